// libcurl for Swift. curl_easy_setopt / curl_multi_setopt / curl_easy_getinfo are C varargs, which Swift cannot call:
// these static inline wrappers give each argument type its own typed entry point.
#ifndef SWIFT_KSERVE_CCURL_SHIM_H
#define SWIFT_KSERVE_CCURL_SHIM_H
#include <curl/curl.h>
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

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
static inline CURLcode ccurl_easy_setopt_read_callback(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}
static inline CURLcode ccurl_easy_setopt_seek_callback(CURL *handle, int (*callback)(void *, curl_off_t, int)) {
    return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, callback);
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

// The socket interface of a multi handle (curl_multi_socket_action), driven by an epoll loop.
typedef int (*ccurl_socket_callback)(CURL *easy, curl_socket_t socket, int what, void *user, void *socketData);
typedef int (*ccurl_timer_callback)(CURLM *multi, long timeoutMilliseconds, void *user);
static inline CURLMcode ccurl_multi_setopt_socket_callback(CURLM *handle, ccurl_socket_callback callback, void *user) {
    CURLMcode code = curl_multi_setopt(handle, CURLMOPT_SOCKETFUNCTION, callback);
    return code != CURLM_OK ? code : curl_multi_setopt(handle, CURLMOPT_SOCKETDATA, user);
}
static inline CURLMcode ccurl_multi_setopt_timer_callback(CURLM *handle, ccurl_timer_callback callback, void *user) {
    CURLMcode code = curl_multi_setopt(handle, CURLMOPT_TIMERFUNCTION, callback);
    return code != CURLM_OK ? code : curl_multi_setopt(handle, CURLMOPT_TIMERDATA, user);
}
// CURL_SOCKET_TIMEOUT: "no socket, the timer expired".
static inline curl_socket_t ccurl_socket_timeout(void) {
    return CURL_SOCKET_TIMEOUT;
}

// epoll for that loop, without exposing the packed struct epoll_event to Swift.
// Watches `fd` for what libcurl asked (CURL_POLL_IN / OUT / INOUT), or stops watching it (CURL_POLL_REMOVE).
// `socketData` is what `curl_multi_assign` attached to the socket (libcurl drops it on REMOVE): non-NULL means
// the descriptor is already in the epoll set, so a new socket costs one EPOLL_CTL_ADD, not a failed MOD first.
// Either guess falls back to the other call (a descriptor closed without a REMOVE leaves the set by itself).
static inline int ccurl_epoll_watch(CURLM *multi, int epollFD, int fd, int what, void *socketData) {
    if (what == CURL_POLL_REMOVE) {
        return epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, NULL);
    }
    struct epoll_event event = {0};
    event.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0);
    event.data.fd = fd;
    int first = socketData ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    int result = epoll_ctl(epollFD, first, fd, &event);
    if (result != 0 && errno == (first == EPOLL_CTL_MOD ? ENOENT : EEXIST)) {
        result = epoll_ctl(epollFD, first == EPOLL_CTL_MOD ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event);
    }
    if (result == 0 && !socketData) {
        curl_multi_assign(multi, fd, (void *)1);
    }
    return result;
}
// Waits up to `timeout` ms; fills `fds` and `curlEvents` (CURL_CSELECT_IN / OUT / ERR bits) for up to 64 ready
// descriptors and returns how many (or -1 with errno).
static inline int ccurl_epoll_wait(int epollFD, int *fds, int *curlEvents, int timeout) {
    struct epoll_event events[64];
    int count = epoll_wait(epollFD, events, 64, timeout);
    for (int index = 0; index < count; index++) {
        uint32_t ready = events[index].events;
        fds[index] = events[index].data.fd;
        curlEvents[index] = ((ready & EPOLLIN) ? CURL_CSELECT_IN : 0) | ((ready & EPOLLOUT) ? CURL_CSELECT_OUT : 0)
            | ((ready & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
    }
    return count;
}
// An epoll descriptor watching a new eventfd (the wake-up of the loop); returns the epoll descriptor and stores
// the eventfd in `wakeFD`, or -1.
static inline int ccurl_epoll_create(int *wakeFD) {
    int epollFD = epoll_create1(EPOLL_CLOEXEC);
    if (epollFD < 0) return -1;
    int eventFD = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (eventFD < 0) { close(epollFD); return -1; }
    struct epoll_event event = {0};
    event.events = EPOLLIN;
    event.data.fd = eventFD;
    if (epoll_ctl(epollFD, EPOLL_CTL_ADD, eventFD, &event) != 0) { close(eventFD); close(epollFD); return -1; }
    *wakeFD = eventFD;
    return epollFD;
}
// Wakes the loop (eventfd += 1) / clears the wake-up.
static inline void ccurl_wake(int wakeFD) {
    uint64_t one = 1;
    ssize_t ignored = write(wakeFD, &one, sizeof one);
    (void)ignored;
}
static inline void ccurl_clear_wake(int wakeFD) {
    uint64_t value;
    ssize_t ignored = read(wakeFD, &value, sizeof value);
    (void)ignored;
}
#endif
