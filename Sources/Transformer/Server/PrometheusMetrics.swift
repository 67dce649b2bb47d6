internal import Metrics
internal import Pipeline
internal import Prometheus
internal import Synchronization

/// The process's metrics backend: swift-metrics recording into a Prometheus registry, with KServe's histogram
/// buckets for the four `request_*_seconds` metrics. Bootstrapped once per process (swift-metrics allows one).
enum PrometheusMetrics {
    /// KServe's (prometheus_client's default) buckets, in seconds.
    static let kserveBuckets: [Duration] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10].map {
        Duration.nanoseconds(Int64(($0 * 1e9).rounded()))
    }

    private static let registry = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Installs the backend if this process has none yet, and returns the registry `/metrics` reads.
    static func bootstrap() -> PrometheusCollectorRegistry {
        registry.withLock { installed in
            if let installed { return installed }
            let created = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: created)
            for name in MetricNames.all { factory.durationHistogramBuckets[name] = kserveBuckets }
            MetricsSystem.bootstrap(factory)
            installed = created
            return created
        }
    }

    /// The Prometheus text exposition (format 0.0.4) of everything recorded.
    static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        bootstrap().emit(into: &buffer)
        return buffer
    }
}
