#ifndef LIFEBOAT_CLIBPQ_SHIM_H
#define LIFEBOAT_CLIBPQ_SHIM_H
// libpq's header for its types and constants only: the binary does not link libpq. It is loaded
// with dlopen the first time a PostgreSQL connection is opened (LifeboatPostgres, LibPQ.swift),
// because loading it and its ~20 dependencies (Kerberos, LDAP, GnuTLS, SASL…) at every start cost
// about 5 ms per call, more than everything else `lifeboat --version` does (README, "Start-up").
#include <dlfcn.h>
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
// Debian/Ubuntu's libpq-dev; no pkg-config here, as its flags would link libpq again.
#include <postgresql/libpq-fe.h>
#endif

// Every libpq function Lifeboat calls. Adding a call means adding its name here; the table's
// field types come from libpq-fe.h itself, so Swift calls through it are type-checked as before.
// A new name changes the table's layout, which every Swift file calling through it compiles in:
// an incremental build has been seen to keep objects built against the old layout and crash inside
// libpq, so rebuild clean (`rm -rf .build`) after changing this list.
#define LIFEBOAT_LIBPQ_FUNCTIONS(X) \
    X(PQbackendPID) X(PQclear) X(PQcmdStatus) X(PQconnectdbParams) X(PQdb) X(PQerrorMessage) \
    X(PQescapeLiteral) X(PQexec) X(PQexecParams) X(PQfinish) X(PQfname) X(PQfreemem) \
    X(PQgetCopyData) X(PQgetResult) X(PQgetisnull) X(PQgetvalue) X(PQhost) X(PQlibVersion) X(PQnfields) \
    X(PQntuples) X(PQparameterStatus) X(PQpass) X(PQport) X(PQputCopyData) X(PQputCopyEnd) \
    X(PQresultErrorField) X(PQresultErrorMessage) X(PQresultStatus) X(PQsendQuery) \
    X(PQserverVersion) X(PQsetNoticeProcessor) X(PQstatus) X(PQtransactionStatus) X(PQuser)

/// libpq's functions, found in a loaded library; filled only by lifeboat_libpq_load.
typedef struct LifeboatLibPQ {
#define LIFEBOAT_LIBPQ_FIELD(name) __typeof__(&name) _Nonnull name;
    LIFEBOAT_LIBPQ_FUNCTIONS(LIFEBOAT_LIBPQ_FIELD)
#undef LIFEBOAT_LIBPQ_FIELD
} LifeboatLibPQ;

/// Fills `table` from `library` (a dlopen handle). Returns NULL, or the name of the first function
/// the library lacks (then `table` is incomplete and must not be used).
static inline const char *_Nullable lifeboat_libpq_load(void *_Nonnull library, LifeboatLibPQ *_Nonnull table) {
#define LIFEBOAT_LIBPQ_LOOKUP(name) \
    if ((*(void **)&table->name = dlsym(library, #name)) == NULL) return #name;
    LIFEBOAT_LIBPQ_FUNCTIONS(LIFEBOAT_LIBPQ_LOOKUP)
#undef LIFEBOAT_LIBPQ_LOOKUP
    return NULL;
}
#endif
