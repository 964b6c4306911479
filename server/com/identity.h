/* Which COM identity empkp.exe takes, decided from its own file name.
 *
 * KB 911143 knows two helpers: EMPKP.PubKeyPublisher (empkp.exe: Exchange
 * 2003, or Exchange 2000 with MOM 2005) and ExchKP.PubKeyPublisher
 * (ExchKP.exe: Exchange 2000 with MOM 2000 SP1).  One program serves both:
 * copied and run as ExchKP.exe it registers and serves the ExchKP identity,
 * under any other name the EMPKP one.  So "empkp /regserver" can never take
 * over the registration of a genuine ExchKP.exe, and an administrator who
 * replaces a missing ExchKP.exe copies ours under that name and types
 * "ExchKP /regserver", as the KB says.  Both identities publish the same key
 * (same key store, same DATA0).  packaging/MANUAL.txt,
 * "ExchKP"; README.md, "Design decisions".
 *
 * The GUIDs are not here but where Windows code reads them as GUIDs:
 * identity_clsid() and identity_appid() (self_identity.h), formatted with
 * StringFromGUID2 wherever a string is needed.
 *
 * Plain C with no Windows headers: the native unit tests reach every case. */
#ifndef EMPKP_IDENTITY_H
#define EMPKP_IDENTITY_H

enum identity_kind {
    IDENTITY_EMPKP,    /* EMPKP.PubKeyPublisher: coclass PubKeyPublisher */
    IDENTITY_EXCHKP,   /* ExchKP.PubKeyPublisher: coclass ExchKPPubKeyPublisher */
    IDENTITY_COUNT
};

struct identity_names {
    const char *progid;            /* version-independent: what scripts create */
    const char *progid_versioned;  /* progid ".1" */
    const char *appid_name;        /* what DCOM Config lists, as the KB says */
    const char *exe_name;          /* the KB's file name */
    const char *mp_versions;       /* the Exchange / MOM versions that use it */
    /* The MOM events of the "Exchange - Publish ExMP Data" script that uses
     * this identity: object not created, Publish failed. */
    int event_not_created;
    int event_publish_failed;
};

/* The identity for an executable's path or bare file name (UTF-8, '\\' or
 * '/' separated, a drive prefix allowed): IDENTITY_EXCHKP when the file
 * name is "ExchKP.exe" in any case, else IDENTITY_EMPKP (NULL included). */
enum identity_kind identity_from_path(const char *path);

/* 1 when the path's file name is one of the KB's (empkp.exe, ExchKP.exe)
 * in any case, else 0 (NULL included): the processes "empkp /stopservers"
 * waits for. */
int identity_is_server_exe(const char *path);

/* Never NULL; an out-of-range kind gives the EMPKP names. */
const struct identity_names *identity_names(enum identity_kind kind);

/* The other identity (for shared registration keys). */
enum identity_kind identity_other(enum identity_kind kind);

#endif
