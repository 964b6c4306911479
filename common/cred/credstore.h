/* DATA1..3 in the registry: reading them, and replacing all three or none.
 *
 * No registry API of Windows 2000/2003 replaces several values at once
 * (transactions, RegRenameKey are Vista's; RegRestoreKey needs backup and
 * restore privileges, replaces the whole key including DATA0, and is a
 * stub in Wine).  So a write goes through a journal (README.md, "Design
 * decisions"; packaging/MANUAL.txt, "The credentials tool"):
 *   1. everything that can refuse (DATA0, lengths, access) is checked by
 *      the caller before the first write;
 *   2. the new DATA1, DATA2, DATA3 and then a copy of the DATA0 they were
 *      encrypted to go into the subkey ExMPLS\PendingCredentials, and the
 *      hive is flushed: a journal with its DATA0 is complete;
 *   3. DATA1, DATA2, DATA3 are written in place and flushed;
 *   4. the journal is deleted.
 * A write error in step 3 puts the old values back (and deletes the
 * journal).  If the process dies, the next `empkpcred set` or `recover`
 * finds the journal: complete and for the current DATA0, it is finished
 * (all three new values); otherwise it is dropped (the old values were
 * never touched).  `verify` reports a journal it finds.
 *
 * Depends on nothing but the Win32 registry API, so empkp.exe could reuse
 * it (see common/cred/credcheck.h). */
#ifndef EMPKP_CREDSTORE_H
#define EMPKP_CREDSTORE_H

#include <windows.h>

#include "common/exmpls.h"

#define CREDSTORE_KEY      EXMPLS_KEY
#define CREDSTORE_DATA0    L"DATA0"
#define CREDSTORE_JOURNAL  L"PendingCredentials"

/* DATA1 (domain), DATA2 (user name), DATA3 (password), in that order. */
extern const WCHAR *const credstore_names[3];

/* Extra access bits so that a 32-bit tool on 64-bit Windows reads and
 * writes the 64-bit view, where empkp publishes: exmpls_view() of
 * common/exmpls.c locally; for a remote registry, what credstore_connect
 * chose (see credstore.c). */
REGSAM credstore_view(int remote);

/* HKEY_LOCAL_MACHINE of this computer (server NULL or empty) or of
 * \\server (RegConnectRegistry; leading backslashes optional).  Close a
 * remote root with RegCloseKey; closing HKEY_LOCAL_MACHINE is harmless. */
LONG credstore_connect(const WCHAR *server, HKEY *root);

/* Opens ExMPLS under root with access | credstore_view(remote). */
LONG credstore_open(HKEY root, int remote, REGSAM access, HKEY *key);

/* The access `set` and `recover` need on ExMPLS, asked for at once, so
 * that "access denied" comes before anything is written. */
#define CREDSTORE_WRITE_ACCESS (KEY_QUERY_VALUE | KEY_SET_VALUE | KEY_CREATE_SUB_KEY \
                                | KEY_ENUMERATE_SUB_KEYS)

struct credstore_value {
    int present;
    DWORD type;
    BYTE *data;     /* malloc'd, NULL when absent */
    DWORD len;
};

/* Reads one value through regvalue_read.  A missing value is
 * ERROR_SUCCESS with present = 0; one over REGVALUE_MAX bytes is
 * refused: REGVALUE_E_TOO_LARGE, present = 1, type and len its own, no data.  Any
 * other error leaves v empty.  Free with credstore_value_free. */
LONG credstore_read(HKEY key, const WCHAR *name, struct credstore_value *v);
void credstore_value_free(struct credstore_value *v);
/* Both present with the same bytes (the type is not compared): a DATA0
 * unchanged since it was read, a journal for the current DATA0. */
int credstore_value_same(const struct credstore_value *a, const struct credstore_value *b);

/* Does ExMPLS have a journal (an interrupted write)? */
LONG credstore_journal_present(HKEY key, int remote, int *present);

/* What credstore_write left behind when it failed. */
enum credstore_after {
    CREDSTORE_UNCHANGED,   /* DATA1..3 are as they were before */
    CREDSTORE_JOURNALED    /* the old values could not be put back: the
                              journal stays, `recover` finishes the write */
};

/* Replaces DATA1..3 with value[0..2] (REG_BINARY) through the journal.
 * data0 is the DATA0 they were encrypted to.  key needs
 * CREDSTORE_WRITE_ACCESS; a journal left from before must have been
 * recovered.  On failure returns the Win32 error, and *after says what
 * the registry holds. */
LONG credstore_write(HKEY key, int remote, const BYTE *const value[3],
                     const DWORD len[3], const BYTE *data0, DWORD data0_len,
                     enum credstore_after *after);

enum credstore_recovery {
    CREDSTORE_NOTHING,     /* no journal */
    CREDSTORE_COMPLETED,   /* a complete journal for the current DATA0 was
                              written to DATA1..3 */
    CREDSTORE_DISCARDED    /* an incomplete or stale journal was deleted;
                              DATA1..3 untouched */
};

/* Finishes or drops a journal left by a write that did not end. */
LONG credstore_recover(HKEY key, int remote, enum credstore_recovery *what);

#endif
