/*
 * zs_pkcs11_shim: a PKCS#11 module for fault tests.
 *
 * Why it exists: a real token (SoftHSMv2 here) cannot be told to lose its
 * sessions, be "removed", lock its PIN or return a bad signature at a chosen
 * moment, yet those are the faults the PKCS#11 signer must survive or report
 * (issue 3, "Faults"). This module sits between the signer and the real
 * module: every Cryptoki call is forwarded unchanged, except where a fault
 * plan says otherwise.
 *
 * Environment (read at C_Initialize):
 *   ZS_SHIM_MODULE   the real module (default /usr/lib/softhsm/libsofthsm2.so)
 *   ZS_SHIM_FAULTS   a fault plan, rules separated by ';' or newlines
 *   ZS_SHIM_CONTROL  a file holding a fault plan; checked on every call: when it changes
 *                    (mtime, size or inode) its plan replaces the current
 *                    one, so one process can change the plan between phases
 *   ZS_SHIM_LOG      a file to which a line is appended per C_Login call
 *                    ("C_Login user=1 rv=CKR_OK"), per injected fault ("inject ...")
 *                    and per rule that cannot be parsed ("bad rule: ...")
 *
 * A rule:  ACTION FUNCTION [after N] [with CKR_NAME|0xHEX] [count N|forever]
 *   fail      return the `with` code without calling the real module
 *   close-all real C_CloseAllSessions on the session's slot (which also
 *             logs the application out), then CKR_SESSION_HANDLE_INVALID
 *   logout    real C_Logout, then CKR_USER_NOT_LOGGED_IN
 *   corrupt   C_Sign only: call the real module, then flip a bit in the last
 *             byte of the signature it returned
 * Each function named in the plan has a call counter, started at 0 when the
 * plan is loaded; a rule fires on the calls after the first N (default 0),
 * `count` times (default 1). The first rule of a function that can fire does.
 * A code returned by `fail` leaves the real session as it was; close-all
 * and logout model a real loss of the sessions or the login.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <p11-kit-1/p11-kit/pkcs11.h>

#define SHIM_EXPORT __attribute__((visibility("default")))
#define DEFAULT_MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define MAX_RULES 32
#define FOREVER (-1L)

enum action { FAIL, CLOSE_ALL, LOGOUT, CORRUPT };

struct rule {
    char function[40];
    enum action action;
    unsigned long after;
    long count; /* FOREVER or how many times */
    CK_RV rv;
    unsigned long fired;
};

struct counter {
    char function[40];
    unsigned long calls;
};

/* The plan, counters and paths below are guarded by `lock`; the real
 * module is never called while it is held. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void* real_library;
static CK_FUNCTION_LIST* real;
static struct rule rules[MAX_RULES];
static size_t rule_count;
static struct counter counters[MAX_RULES];
static size_t counter_count;
static char log_path[4096];
static char control_path[4096];
static struct stat control_seen; /* identity of the control file last loaded */
static int control_loaded;
/* Held shared by every forwarded call and exclusively while a close-all or
 * logout fault acts on the real module (writers first, so that busy signing
 * threads cannot starve a fault). */
static pthread_rwlock_t calls_lock = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;

/* ---- return code names (the ones fault plans and logs use) ---- */

#define RV(code) {code, #code}
static const struct {
    CK_RV rv;
    const char* name;
} rv_names[] = {
    RV(CKR_OK), RV(CKR_GENERAL_ERROR), RV(CKR_FUNCTION_FAILED), RV(CKR_HOST_MEMORY),
    RV(CKR_DEVICE_ERROR), RV(CKR_DEVICE_MEMORY), RV(CKR_DEVICE_REMOVED), RV(CKR_TOKEN_NOT_PRESENT),
    RV(CKR_SESSION_HANDLE_INVALID), RV(CKR_SESSION_CLOSED), RV(CKR_USER_NOT_LOGGED_IN),
    RV(CKR_USER_ALREADY_LOGGED_IN), RV(CKR_OBJECT_HANDLE_INVALID), RV(CKR_KEY_HANDLE_INVALID),
    RV(CKR_KEY_FUNCTION_NOT_PERMITTED), RV(CKR_MECHANISM_INVALID), RV(CKR_PIN_INCORRECT),
    RV(CKR_PIN_LOCKED), RV(CKR_PIN_EXPIRED), RV(CKR_RANDOM_NO_RNG), RV(CKR_FUNCTION_NOT_SUPPORTED),
    RV(CKR_OPERATION_NOT_INITIALIZED), RV(CKR_CRYPTOKI_ALREADY_INITIALIZED), RV(CKR_SLOT_ID_INVALID),
};
#undef RV

static const char* rv_text(CK_RV rv, char* buffer, size_t size) {
    for (size_t i = 0; i < sizeof rv_names / sizeof rv_names[0]; ++i)
        if (rv_names[i].rv == rv) return rv_names[i].name;
    snprintf(buffer, size, "0x%08lx", (unsigned long)rv);
    return buffer;
}

static int parse_rv(const char* text, CK_RV* rv) {
    for (size_t i = 0; i < sizeof rv_names / sizeof rv_names[0]; ++i)
        if (strcmp(rv_names[i].name, text) == 0) return *rv = rv_names[i].rv, 1;
    char* end;
    errno = 0;
    unsigned long value = strtoul(text, &end, 0);
    if (errno || end == text || *end) return 0;
    *rv = value;
    return 1;
}

/* ---- log ---- */

static void log_line(const char* format, ...) __attribute__((format(printf, 1, 2)));
static void log_line(const char* format, ...) {
    if (!log_path[0]) return;
    FILE* file = fopen(log_path, "a");
    if (!file) return;
    va_list args;
    va_start(args, format);
    vfprintf(file, format, args);
    va_end(args);
    fputc('\n', file);
    fclose(file);
}

/* ---- fault plan ---- */

static int parse_number(const char* text, unsigned long* value) {
    char* end;
    errno = 0;
    *value = strtoul(text, &end, 10);
    return !errno && end != text && !*end;
}

/* One rule from its words; 0 if malformed. */
static int parse_rule(char* text, struct rule* r) {
    memset(r, 0, sizeof *r);
    r->count = 1;
    char* save = NULL;
    char* action = strtok_r(text, " \t\r", &save);
    char* function = strtok_r(NULL, " \t\r", &save);
    if (!action || !function || strncmp(function, "C_", 2) != 0 || strlen(function) >= sizeof r->function)
        return 0;
    if (strcmp(action, "fail") == 0) r->action = FAIL;
    else if (strcmp(action, "close-all") == 0) r->action = CLOSE_ALL, r->rv = CKR_SESSION_HANDLE_INVALID;
    else if (strcmp(action, "logout") == 0) r->action = LOGOUT, r->rv = CKR_USER_NOT_LOGGED_IN;
    else if (strcmp(action, "corrupt") == 0) r->action = CORRUPT;
    else return 0;
    strcpy(r->function, function);
    int has_rv = r->action != FAIL;
    for (char* word; (word = strtok_r(NULL, " \t\r", &save));) {
        char* value = strtok_r(NULL, " \t\r", &save);
        if (!value) return 0;
        unsigned long number;
        if (strcmp(word, "after") == 0 && parse_number(value, &number)) r->after = number;
        else if (strcmp(word, "count") == 0 && strcmp(value, "forever") == 0) r->count = FOREVER;
        else if (strcmp(word, "count") == 0 && parse_number(value, &number)) r->count = (long)number;
        else if (strcmp(word, "with") == 0 && r->action == FAIL && parse_rv(value, &r->rv)) has_rv = 1;
        else return 0;
    }
    if (r->action == CORRUPT && strcmp(r->function, "C_Sign") != 0) return 0;
    return has_rv;
}

/* Replaces the plan with the rules in `text` (separated by ';' or newlines;
 * '#' starts a comment line); counters start again at 0. Caller holds lock. */
static void load_plan(const char* text) {
    rule_count = 0;
    counter_count = 0;
    char* copy = strdup(text ? text : "");
    if (!copy) return;
    char* save = NULL;
    for (char* line = strtok_r(copy, ";\n", &save); line; line = strtok_r(NULL, ";\n", &save)) {
        while (*line == ' ' || *line == '\t') ++line;
        if (!*line || *line == '#' || *line == '\r') continue;
        char original[256];
        snprintf(original, sizeof original, "%s", line);
        struct rule r;
        if (rule_count == MAX_RULES || !parse_rule(line, &r)) {
            log_line("bad rule: %s", original);
            fprintf(stderr, "zs_pkcs11_shim: bad rule ignored: %s\n", original);
            continue;
        }
        rules[rule_count++] = r;
        size_t c = 0;
        while (c < counter_count && strcmp(counters[c].function, r.function) != 0) ++c;
        if (c == counter_count) {
            strcpy(counters[c].function, r.function);
            counters[c].calls = 0;
            ++counter_count;
        }
    }
    free(copy);
}

/* Loads the control file's plan if the file changed since it was last read.
 * Caller holds lock. */
static void reload_control_file(void) {
    if (!control_path[0]) return;
    struct stat now;
    if (stat(control_path, &now) != 0) return; /* not written yet: keep the plan */
    if (control_loaded && now.st_ino == control_seen.st_ino && now.st_size == control_seen.st_size &&
        now.st_mtim.tv_sec == control_seen.st_mtim.tv_sec && now.st_mtim.tv_nsec == control_seen.st_mtim.tv_nsec)
        return;
    FILE* file = fopen(control_path, "r");
    if (!file) return;
    char text[8192];
    size_t size = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[size] = '\0';
    load_plan(text);
    control_seen = now;
    control_loaded = 1;
}

/* Drops every session of the slot, or of all slots when the session is
 * unknown. */
static void close_all_sessions(CK_SESSION_HANDLE session) {
    CK_SESSION_INFO info;
    if (session != CK_INVALID_HANDLE && real->C_GetSessionInfo(session, &info) == CKR_OK) {
        real->C_CloseAllSessions(info.slotID);
        return;
    }
    CK_SLOT_ID slots[64];
    CK_ULONG n = 64;
    if (real->C_GetSlotList(CK_TRUE, slots, &n) == CKR_OK)
        for (CK_ULONG s = 0; s < n; ++s) real->C_CloseAllSessions(slots[s]);
}

/* Counts a call of `function` and applies the rule that fires on it, if
 * any. Returns 1 with *rv set when the call must return *rv without being
 * forwarded; 0 when it goes to the real module (with *corrupt set for a
 * firing corrupt rule). */
static int inject(const char* function, CK_SESSION_HANDLE session, CK_RV* rv, int* corrupt) {
    pthread_mutex_lock(&lock);
    reload_control_file();
    struct counter* counter = NULL;
    for (size_t c = 0; c < counter_count; ++c)
        if (strcmp(counters[c].function, function) == 0) counter = &counters[c];
    struct rule* firing = NULL;
    const unsigned long call = counter ? ++counter->calls : 0;
    for (size_t i = 0; counter && i < rule_count && !firing; ++i) {
        struct rule* r = &rules[i];
        if (strcmp(r->function, function) == 0 && call > r->after &&
            (r->count == FOREVER || r->fired < (unsigned long)r->count))
            firing = r;
    }
    if (!firing) {
        pthread_mutex_unlock(&lock);
        return 0;
    }
    ++firing->fired;
    const enum action action = firing->action;
    *rv = firing->rv;
    char buffer[32];
    static const char* const action_names[] = {"fail", "close-all", "logout", "corrupt"};
    log_line("inject %s call %lu %s %s", function, call, action_names[action],
             action == CORRUPT ? "" : rv_text(*rv, buffer, sizeof buffer));
    pthread_mutex_unlock(&lock);

    if (action == CORRUPT) {
        *corrupt = 1;
        return 0;
    }
    if (action == CLOSE_ALL || action == LOGOUT) {
        /* While no other thread is inside the real module: SoftHSMv2 frees
         * a closed session even if another thread is using it. A real token
         * that drops its sessions does so between our calls, as here. */
        pthread_rwlock_wrlock(&calls_lock);
        if (action == CLOSE_ALL) close_all_sessions(session);
        else if (session != CK_INVALID_HANDLE) real->C_Logout(session);
        pthread_rwlock_unlock(&calls_lock);
    }
    return 1;
}

/* ---- the real module ---- */

static CK_RV load_real_module(void) {
    if (real) return CKR_OK;
    const char* path = getenv("ZS_SHIM_MODULE");
    if (!path || !*path) path = DEFAULT_MODULE;
    void* library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        fprintf(stderr, "zs_pkcs11_shim: cannot load %s: %s\n", path, dlerror());
        return CKR_GENERAL_ERROR;
    }
    CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(library, "C_GetFunctionList");
    CK_FUNCTION_LIST* functions = NULL;
    if (!get || get(&functions) != CKR_OK || !functions) {
        fprintf(stderr, "zs_pkcs11_shim: %s is not a PKCS#11 module\n", path);
        dlclose(library);
        return CKR_GENERAL_ERROR;
    }
    real_library = library;
    real = functions;
    return CKR_OK;
}

static void copy_env(const char* name, char* buffer, size_t size) {
    const char* value = getenv(name);
    snprintf(buffer, size, "%s", value ? value : "");
}

/* ---- the forwarding functions ---- */

/* shim_NAME(PARAMS): count, maybe inject, else call the real NAME(ARGS).
 * SESSION is the session argument, or CK_INVALID_HANDLE. */
#define FORWARD(name, session, params, args)               \
    static CK_RV shim_##name params {                      \
        if (!real) return CKR_CRYPTOKI_NOT_INITIALIZED;    \
        CK_RV rv;                                          \
        int corrupt = 0;                                   \
        if (inject(#name, session, &rv, &corrupt)) return rv; \
        pthread_rwlock_rdlock(&calls_lock);                \
        rv = real->name args;                              \
        pthread_rwlock_unlock(&calls_lock);                \
        return rv;                                         \
    }
#define NO_SESSION CK_INVALID_HANDLE

static CK_FUNCTION_LIST shim_functions;

static CK_RV shim_C_Initialize(void* init_args) {
    pthread_mutex_lock(&lock);
    CK_RV rv = load_real_module();
    if (rv == CKR_OK) {
        copy_env("ZS_SHIM_LOG", log_path, sizeof log_path);
        copy_env("ZS_SHIM_CONTROL", control_path, sizeof control_path);
        control_loaded = 0;
        load_plan(getenv("ZS_SHIM_FAULTS"));
    }
    pthread_mutex_unlock(&lock);
    if (rv != CKR_OK) return rv;
    int corrupt = 0;
    if (inject("C_Initialize", NO_SESSION, &rv, &corrupt)) return rv;
    return real->C_Initialize(init_args);
}

static CK_RV shim_C_Finalize(void* reserved) {
    if (!real) return CKR_CRYPTOKI_NOT_INITIALIZED;
    CK_RV rv = real->C_Finalize(reserved);
    if (rv != CKR_OK) return rv;
    /* Unload the real module too, so that the next C_Initialize starts it
     * afresh (SoftHSMv2 reads SOFTHSM2_CONF then). */
    pthread_mutex_lock(&lock);
    dlclose(real_library);
    real_library = NULL;
    real = NULL;
    rule_count = counter_count = 0;
    pthread_mutex_unlock(&lock);
    return CKR_OK;
}

static CK_RV shim_C_GetFunctionList(CK_FUNCTION_LIST** list) {
    if (!list) return CKR_ARGUMENTS_BAD;
    *list = &shim_functions;
    return CKR_OK;
}

/* Logged whether injected or real, so a test can count login attempts. */
static CK_RV shim_C_Login(CK_SESSION_HANDLE session, CK_USER_TYPE user_type, CK_UTF8CHAR* pin, CK_ULONG pin_len) {
    if (!real) return CKR_CRYPTOKI_NOT_INITIALIZED;
    CK_RV rv;
    int corrupt = 0;
    if (!inject("C_Login", session, &rv, &corrupt)) {
        pthread_rwlock_rdlock(&calls_lock);
        rv = real->C_Login(session, user_type, pin, pin_len);
        pthread_rwlock_unlock(&calls_lock);
    }
    char buffer[32];
    pthread_mutex_lock(&lock);
    log_line("C_Login user=%lu rv=%s", (unsigned long)user_type, rv_text(rv, buffer, sizeof buffer));
    pthread_mutex_unlock(&lock);
    return rv;
}

static CK_RV shim_C_Sign(CK_SESSION_HANDLE session, CK_BYTE* data, CK_ULONG data_len, CK_BYTE* signature,
                         CK_ULONG* signature_len) {
    if (!real) return CKR_CRYPTOKI_NOT_INITIALIZED;
    CK_RV rv;
    int corrupt = 0;
    if (inject("C_Sign", session, &rv, &corrupt)) return rv;
    pthread_rwlock_rdlock(&calls_lock);
    rv = real->C_Sign(session, data, data_len, signature, signature_len);
    pthread_rwlock_unlock(&calls_lock);
    if (corrupt && rv == CKR_OK && signature && signature_len && *signature_len > 0)
        signature[*signature_len - 1] ^= 0x01;
    return rv;
}

FORWARD(C_GetInfo, NO_SESSION, (CK_INFO* info), (info))
FORWARD(C_GetSlotList, NO_SESSION, (CK_BBOOL present, CK_SLOT_ID* list, CK_ULONG* count), (present, list, count))
FORWARD(C_GetSlotInfo, NO_SESSION, (CK_SLOT_ID slot, CK_SLOT_INFO* info), (slot, info))
FORWARD(C_GetTokenInfo, NO_SESSION, (CK_SLOT_ID slot, CK_TOKEN_INFO* info), (slot, info))
FORWARD(C_WaitForSlotEvent, NO_SESSION, (CK_FLAGS flags, CK_SLOT_ID* slot, void* reserved), (flags, slot, reserved))
FORWARD(C_GetMechanismList, NO_SESSION, (CK_SLOT_ID slot, CK_MECHANISM_TYPE* list, CK_ULONG* count),
        (slot, list, count))
FORWARD(C_GetMechanismInfo, NO_SESSION, (CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO* info),
        (slot, type, info))
FORWARD(C_InitToken, NO_SESSION, (CK_SLOT_ID slot, CK_UTF8CHAR* pin, CK_ULONG pin_len, CK_UTF8CHAR* label),
        (slot, pin, pin_len, label))
FORWARD(C_InitPIN, s, (CK_SESSION_HANDLE s, CK_UTF8CHAR* pin, CK_ULONG pin_len), (s, pin, pin_len))
FORWARD(C_SetPIN, s, (CK_SESSION_HANDLE s, CK_UTF8CHAR* old, CK_ULONG old_len, CK_UTF8CHAR* pin, CK_ULONG len),
        (s, old, old_len, pin, len))
FORWARD(C_OpenSession, NO_SESSION,
        (CK_SLOT_ID slot, CK_FLAGS flags, void* application, CK_NOTIFY notify, CK_SESSION_HANDLE* s),
        (slot, flags, application, notify, s))
FORWARD(C_CloseSession, s, (CK_SESSION_HANDLE s), (s))
FORWARD(C_CloseAllSessions, NO_SESSION, (CK_SLOT_ID slot), (slot))
FORWARD(C_GetSessionInfo, s, (CK_SESSION_HANDLE s, CK_SESSION_INFO* info), (s, info))
FORWARD(C_GetOperationState, s, (CK_SESSION_HANDLE s, CK_BYTE* state, CK_ULONG* len), (s, state, len))
FORWARD(C_SetOperationState, s,
        (CK_SESSION_HANDLE s, CK_BYTE* state, CK_ULONG len, CK_OBJECT_HANDLE enc, CK_OBJECT_HANDLE auth),
        (s, state, len, enc, auth))
FORWARD(C_Logout, s, (CK_SESSION_HANDLE s), (s))
FORWARD(C_CreateObject, s, (CK_SESSION_HANDLE s, CK_ATTRIBUTE* t, CK_ULONG n, CK_OBJECT_HANDLE* o), (s, t, n, o))
FORWARD(C_CopyObject, s,
        (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE* t, CK_ULONG n, CK_OBJECT_HANDLE* copy),
        (s, o, t, n, copy))
FORWARD(C_DestroyObject, s, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o), (s, o))
FORWARD(C_GetObjectSize, s, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ULONG* size), (s, o, size))
FORWARD(C_GetAttributeValue, s, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE* t, CK_ULONG n),
        (s, o, t, n))
FORWARD(C_SetAttributeValue, s, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE* t, CK_ULONG n),
        (s, o, t, n))
FORWARD(C_FindObjectsInit, s, (CK_SESSION_HANDLE s, CK_ATTRIBUTE* t, CK_ULONG n), (s, t, n))
FORWARD(C_FindObjects, s, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE* o, CK_ULONG max, CK_ULONG* n), (s, o, max, n))
FORWARD(C_FindObjectsFinal, s, (CK_SESSION_HANDLE s), (s))
FORWARD(C_EncryptInit, s, (CK_SESSION_HANDLE s, CK_MECHANISM* m, CK_OBJECT_HANDLE k), (s, m, k))
FORWARD(C_Encrypt, s, (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* out, CK_ULONG* out_len),
        (s, in, in_len, out, out_len))
FORWARD(C_EncryptUpdate, s, (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* out, CK_ULONG* out_len),
        (s, in, in_len, out, out_len))
FORWARD(C_EncryptFinal, s, (CK_SESSION_HANDLE s, CK_BYTE* out, CK_ULONG* out_len), (s, out, out_len))
FORWARD(C_DecryptInit, s, (CK_SESSION_HANDLE s, CK_MECHANISM* m, CK_OBJECT_HANDLE k), (s, m, k))
FORWARD(C_Decrypt, s, (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* out, CK_ULONG* out_len),
        (s, in, in_len, out, out_len))
FORWARD(C_DecryptUpdate, s, (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* out, CK_ULONG* out_len),
        (s, in, in_len, out, out_len))
FORWARD(C_DecryptFinal, s, (CK_SESSION_HANDLE s, CK_BYTE* out, CK_ULONG* out_len), (s, out, out_len))
FORWARD(C_DigestInit, s, (CK_SESSION_HANDLE s, CK_MECHANISM* m), (s, m))
FORWARD(C_Digest, s, (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* out, CK_ULONG* out_len),
        (s, in, in_len, out, out_len))
FORWARD(C_DigestUpdate, s, (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len), (s, in, in_len))
FORWARD(C_DigestKey, s, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k), (s, k))
FORWARD(C_DigestFinal, s, (CK_SESSION_HANDLE s, CK_BYTE* out, CK_ULONG* out_len), (s, out, out_len))
FORWARD(C_SignInit, s, (CK_SESSION_HANDLE s, CK_MECHANISM* m, CK_OBJECT_HANDLE k), (s, m, k))
FORWARD(C_SignUpdate, s, (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len), (s, in, in_len))
FORWARD(C_SignFinal, s, (CK_SESSION_HANDLE s, CK_BYTE* out, CK_ULONG* out_len), (s, out, out_len))
FORWARD(C_SignRecoverInit, s, (CK_SESSION_HANDLE s, CK_MECHANISM* m, CK_OBJECT_HANDLE k), (s, m, k))
FORWARD(C_SignRecover, s, (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* out, CK_ULONG* out_len),
        (s, in, in_len, out, out_len))
FORWARD(C_VerifyInit, s, (CK_SESSION_HANDLE s, CK_MECHANISM* m, CK_OBJECT_HANDLE k), (s, m, k))
FORWARD(C_Verify, s, (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* sig, CK_ULONG sig_len),
        (s, in, in_len, sig, sig_len))
FORWARD(C_VerifyUpdate, s, (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len), (s, in, in_len))
FORWARD(C_VerifyFinal, s, (CK_SESSION_HANDLE s, CK_BYTE* sig, CK_ULONG sig_len), (s, sig, sig_len))
FORWARD(C_VerifyRecoverInit, s, (CK_SESSION_HANDLE s, CK_MECHANISM* m, CK_OBJECT_HANDLE k), (s, m, k))
FORWARD(C_VerifyRecover, s, (CK_SESSION_HANDLE s, CK_BYTE* sig, CK_ULONG sig_len, CK_BYTE* out, CK_ULONG* out_len),
        (s, sig, sig_len, out, out_len))
FORWARD(C_DigestEncryptUpdate, s,
        (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* out, CK_ULONG* out_len),
        (s, in, in_len, out, out_len))
FORWARD(C_DecryptDigestUpdate, s,
        (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* out, CK_ULONG* out_len),
        (s, in, in_len, out, out_len))
FORWARD(C_SignEncryptUpdate, s,
        (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* out, CK_ULONG* out_len),
        (s, in, in_len, out, out_len))
FORWARD(C_DecryptVerifyUpdate, s,
        (CK_SESSION_HANDLE s, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* out, CK_ULONG* out_len),
        (s, in, in_len, out, out_len))
FORWARD(C_GenerateKey, s, (CK_SESSION_HANDLE s, CK_MECHANISM* m, CK_ATTRIBUTE* t, CK_ULONG n, CK_OBJECT_HANDLE* k),
        (s, m, t, n, k))
FORWARD(C_GenerateKeyPair, s,
        (CK_SESSION_HANDLE s, CK_MECHANISM* m, CK_ATTRIBUTE* pub, CK_ULONG pub_n, CK_ATTRIBUTE* priv,
         CK_ULONG priv_n, CK_OBJECT_HANDLE* pub_key, CK_OBJECT_HANDLE* priv_key),
        (s, m, pub, pub_n, priv, priv_n, pub_key, priv_key))
FORWARD(C_WrapKey, s,
        (CK_SESSION_HANDLE s, CK_MECHANISM* m, CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE k, CK_BYTE* out,
         CK_ULONG* out_len),
        (s, m, wrapping, k, out, out_len))
FORWARD(C_UnwrapKey, s,
        (CK_SESSION_HANDLE s, CK_MECHANISM* m, CK_OBJECT_HANDLE unwrapping, CK_BYTE* in, CK_ULONG in_len,
         CK_ATTRIBUTE* t, CK_ULONG n, CK_OBJECT_HANDLE* k),
        (s, m, unwrapping, in, in_len, t, n, k))
FORWARD(C_DeriveKey, s,
        (CK_SESSION_HANDLE s, CK_MECHANISM* m, CK_OBJECT_HANDLE base, CK_ATTRIBUTE* t, CK_ULONG n,
         CK_OBJECT_HANDLE* k),
        (s, m, base, t, n, k))
FORWARD(C_SeedRandom, s, (CK_SESSION_HANDLE s, CK_BYTE* seed, CK_ULONG len), (s, seed, len))
FORWARD(C_GenerateRandom, s, (CK_SESSION_HANDLE s, CK_BYTE* out, CK_ULONG len), (s, out, len))
FORWARD(C_GetFunctionStatus, s, (CK_SESSION_HANDLE s), (s))
FORWARD(C_CancelFunction, s, (CK_SESSION_HANDLE s), (s))

#define ENTRY(name) .name = shim_##name
static CK_FUNCTION_LIST shim_functions = {
    .version = {CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR},
    ENTRY(C_Initialize), ENTRY(C_Finalize), ENTRY(C_GetInfo), ENTRY(C_GetFunctionList),
    ENTRY(C_GetSlotList), ENTRY(C_GetSlotInfo), ENTRY(C_GetTokenInfo), ENTRY(C_GetMechanismList),
    ENTRY(C_GetMechanismInfo), ENTRY(C_InitToken), ENTRY(C_InitPIN), ENTRY(C_SetPIN),
    ENTRY(C_OpenSession), ENTRY(C_CloseSession), ENTRY(C_CloseAllSessions), ENTRY(C_GetSessionInfo),
    ENTRY(C_GetOperationState), ENTRY(C_SetOperationState), ENTRY(C_Login), ENTRY(C_Logout),
    ENTRY(C_CreateObject), ENTRY(C_CopyObject), ENTRY(C_DestroyObject), ENTRY(C_GetObjectSize),
    ENTRY(C_GetAttributeValue), ENTRY(C_SetAttributeValue), ENTRY(C_FindObjectsInit), ENTRY(C_FindObjects),
    ENTRY(C_FindObjectsFinal), ENTRY(C_EncryptInit), ENTRY(C_Encrypt), ENTRY(C_EncryptUpdate),
    ENTRY(C_EncryptFinal), ENTRY(C_DecryptInit), ENTRY(C_Decrypt), ENTRY(C_DecryptUpdate),
    ENTRY(C_DecryptFinal), ENTRY(C_DigestInit), ENTRY(C_Digest), ENTRY(C_DigestUpdate),
    ENTRY(C_DigestKey), ENTRY(C_DigestFinal), ENTRY(C_SignInit), ENTRY(C_Sign),
    ENTRY(C_SignUpdate), ENTRY(C_SignFinal), ENTRY(C_SignRecoverInit), ENTRY(C_SignRecover),
    ENTRY(C_VerifyInit), ENTRY(C_Verify), ENTRY(C_VerifyUpdate), ENTRY(C_VerifyFinal),
    ENTRY(C_VerifyRecoverInit), ENTRY(C_VerifyRecover), ENTRY(C_DigestEncryptUpdate),
    ENTRY(C_DecryptDigestUpdate), ENTRY(C_SignEncryptUpdate), ENTRY(C_DecryptVerifyUpdate),
    ENTRY(C_GenerateKey), ENTRY(C_GenerateKeyPair), ENTRY(C_WrapKey), ENTRY(C_UnwrapKey),
    ENTRY(C_DeriveKey), ENTRY(C_SeedRandom), ENTRY(C_GenerateRandom), ENTRY(C_GetFunctionStatus),
    ENTRY(C_CancelFunction), ENTRY(C_WaitForSlotEvent),
};
#undef ENTRY

/* The module's only exported symbol. Loads the real module early so that a
 * bad ZS_SHIM_MODULE shows up at load time. */
SHIM_EXPORT CK_RV C_GetFunctionList(CK_FUNCTION_LIST** list) {
    pthread_mutex_lock(&lock);
    CK_RV rv = load_real_module();
    pthread_mutex_unlock(&lock);
    if (rv != CKR_OK) return rv;
    return shim_C_GetFunctionList(list);
}
