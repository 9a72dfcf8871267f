#ifndef LIFEBOAT_CLIBPQ_SHIM_H
#define LIFEBOAT_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
