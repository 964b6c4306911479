/* See self_identity.h. */
#include "self_identity.h"

#include <stdlib.h>

#include "empkp.h"
#include "typelib.h"
#include "common/utf8.h"

enum identity_kind self_identity(void)
{
    WCHAR path[MAX_PATH * 2];
    enum identity_kind kind = IDENTITY_EMPKP;
    char *utf8;

    if (typelib_exe_path(path, ARRAYSIZE(path)) == ERROR_SUCCESS && (utf8 = utf8_from_wide(path))) {
        kind = identity_from_path(utf8);
        free(utf8);
    }
    return kind;
}

const CLSID *identity_clsid(enum identity_kind kind)
{
    return kind == IDENTITY_EXCHKP ? &CLSID_ExchKPPubKeyPublisher : &CLSID_PubKeyPublisher;
}
