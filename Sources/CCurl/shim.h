// libcurl for Swift. curl_easy_setopt / curl_multi_setopt / curl_easy_getinfo are C varargs, which Swift cannot call:
// these static inline wrappers give each argument type its own typed entry point.
#ifndef SWIFT_KSERVE_CCURL_SHIM_H
#define SWIFT_KSERVE_CCURL_SHIM_H
#include <curl/curl.h>

static inline CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_easy_setopt_write_callback(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}
static inline CURLcode ccurl_easy_setopt_header_callback(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}
static inline CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode ccurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLMcode ccurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}
// curl_global_init(CURL_GLOBAL_DEFAULT): the flag is a macro expression Swift does not import.
static inline CURLcode ccurl_global_init_default(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}
// The result of a finished transfer, read from the anonymous union of a CURLMSG_DONE message.
static inline CURLcode ccurl_msg_result(const CURLMsg *message) {
    return message->data.result;
}
// The version of the libcurl loaded at run time, as 0xXXYYZZ (7.88.1 is 0x075801).
static inline unsigned int ccurl_version_num(void) {
    return curl_version_info(CURLVERSION_NOW)->version_num;
}
// The size of the buffer CURLOPT_ERRORBUFFER writes to.
static inline size_t ccurl_error_size(void) {
    return CURL_ERROR_SIZE;
}
#endif
