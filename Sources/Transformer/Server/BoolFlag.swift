/// Python's `strtobool`, as KServe parses boolean flags: `y yes t true on 1` and `n no f false off 0`,
/// case-insensitively; anything else is not a bool.
public enum BoolFlag {
    /// The bool `text` stands for, or `nil` if it is not one of the accepted words.
    public static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "y", "yes", "t", "true", "on", "1": true
        case "n", "no", "f", "false", "off", "0": false
        default: nil
        }
    }
}
