/* See self_identity.h. */
#include "self_identity.h"

#include <stdlib.h>

#include "empkp.h"
#include "typelib.h"
#include "common/wintext.h"

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

/* The AppIDs are ours (no public source names the original ones), and are
 * the only GUIDs not in idl/empkp.idl: an AppID is registry data for DCOM,
 * which IDL has no construct for, so widl cannot emit one (README.md
 * lists them as text). */
static const GUID appid_empkp =
    { 0xd618966e, 0x4b67, 0x47db, { 0xb2, 0xcc, 0x35, 0x0e, 0xd3, 0x96, 0xb2, 0xab } };
static const GUID appid_exchkp =
    { 0x54c3c0da, 0xbdb0, 0x4369, { 0x85, 0x30, 0xa0, 0x17, 0x26, 0xe8, 0x14, 0xe5 } };

const GUID *identity_appid(enum identity_kind kind)
{
    return kind == IDENTITY_EXCHKP ? &appid_exchkp : &appid_empkp;
}

void guid_text(const GUID *guid, char out[39])
{
    WCHAR wide[39];

    if (!StringFromGUID2(guid, wide, ARRAYSIZE(wide)))
        wide[0] = 0;
    utf8_from_wide_buf(wide, out, 39);
}
