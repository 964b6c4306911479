/* DATA1..3 in the registry, all three or none; see credstore.h.
 *
 * Only ciphertexts and DATA0 pass through here: nothing to wipe. */
#include "credstore.h"

#include "common/exmpls.h"
#include "common/faultpoint.h"
#include "common/regvalue.h"

#include <stdlib.h>
#include <string.h>

const WCHAR *const credstore_names[3] = { L"DATA1", L"DATA2", L"DATA3" };

/* Fault points (common/faultpoint.h), in the test build empkpcred-faults.exe
 * only: tests/cred-tests.sh ends the process at a write ("kill:POINT") or
 * makes that write fail ("fail:POINT"). */
static LONG fault(const char *point)
{
    FAULT_CRASH(point);
    return FAULT_FAIL(point) ? ERROR_WRITE_FAULT : ERROR_SUCCESS;
}

/* The view flag for a /server: connection, chosen by credstore_connect.
 * empkp keeps ExMPLS in a 64-bit Windows' 64-bit view (exmpls_view), and
 * a 32-bit program reaching another computer's registry gets its 32-bit
 * view by default (MSDN, "Remote Registry Access in 64-bit Windows";
 * Windows Server 2003 SP1 and later): so where this program runs under
 * WOW64 it asks for the 64-bit view there too, which a 32-bit computer,
 * having one view, ignores.  A 64-bit empkpcred gets the 64-bit view
 * without asking.  Windows 2000 predates the flag; a computer that refuses
 * it is asked without it. */
static REGSAM remote_view;

static REGSAM pick_remote_view(HKEY root)
{
    REGSAM view = exmpls_view();
    HKEY key;
    LONG err;

    if (!view)
        return 0;
    err = RegOpenKeyExW(root, L"SOFTWARE", 0, KEY_QUERY_VALUE | view, &key);
    if (err == ERROR_ACCESS_DENIED || err == ERROR_INVALID_PARAMETER)
        return 0;
    if (err == ERROR_SUCCESS)
        RegCloseKey(key);
    return view;
}

REGSAM credstore_view(int remote)
{
    return remote ? remote_view : exmpls_view();
}

LONG credstore_connect(const WCHAR *server, HKEY *root)
{
    WCHAR unc[300];
    LONG err;

    *root = HKEY_LOCAL_MACHINE;
    if (!server || !*server)
        return ERROR_SUCCESS;
    while (*server == L'\\')
        server++;
    if (!*server || wcslen(server) > 256)
        return ERROR_INVALID_PARAMETER;
    /* The documented form is \\NAME. */
    unc[0] = unc[1] = L'\\';
    wcscpy(unc + 2, server);
    err = RegConnectRegistryW(unc, HKEY_LOCAL_MACHINE, root);
    if (err == ERROR_SUCCESS)
        remote_view = pick_remote_view(*root);
    return err;
}

LONG credstore_open(HKEY root, int remote, REGSAM access, HKEY *key)
{
    return RegOpenKeyExW(root, CREDSTORE_KEY, 0, access | credstore_view(remote), key);
}

LONG credstore_read(HKEY key, const WCHAR *name, struct credstore_value *v)
{
    BOOL present;
    LONG err;

    memset(v, 0, sizeof(*v));
    err = regvalue_read(key, name, &v->type, &v->data, &v->len, &present);
    if (err == REGVALUE_E_TOO_LARGE) {
        /* Refused, never cut; present, with its size, for the message. */
        v->present = 1;
        return err;
    }
    if (err != ERROR_SUCCESS) {
        credstore_value_free(v);
        return err;
    }
    v->present = present;
    return ERROR_SUCCESS;
}

void credstore_value_free(struct credstore_value *v)
{
    free(v->data);
    memset(v, 0, sizeof(*v));
}

int credstore_value_same(const struct credstore_value *a, const struct credstore_value *b)
{
    return a->present && b->present && a->len == b->len
           && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* RegDeleteKey resolves the subkey in the caller's own view; under WOW64
 * the journal lives in the 64-bit view, so RegDeleteKeyEx (Windows XP x64
 * and later, looked up) names it there.  Where the view flag is 0 the
 * plain call is the same thing, and is all Windows 2000 has. */
static LONG delete_journal(HKEY key, int remote)
{
    typedef LONG (WINAPI *delete_ex_fn)(HKEY, LPCWSTR, REGSAM, DWORD);
    REGSAM view = credstore_view(remote);
    delete_ex_fn delete_ex;

    if (view) {
        delete_ex = (delete_ex_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"advapi32.dll"),
                                                                  "RegDeleteKeyExW");
        if (delete_ex)
            return delete_ex(key, CREDSTORE_JOURNAL, view, 0);
    }
    return RegDeleteKeyW(key, CREDSTORE_JOURNAL);
}

LONG credstore_journal_present(HKEY key, int remote, int *present)
{
    HKEY j;
    LONG err = RegOpenKeyExW(key, CREDSTORE_JOURNAL, 0, KEY_QUERY_VALUE | credstore_view(remote), &j);

    *present = err == ERROR_SUCCESS;
    if (err == ERROR_SUCCESS)
        RegCloseKey(j);
    return err == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : err;
}

static LONG set_binary(HKEY key, const WCHAR *name, const BYTE *data, DWORD len)
{
    return RegSetValueExW(key, name, 0, REG_BINARY, data, len);
}

/* Puts one old value back: its old data and type, or no value at all. */
static LONG restore(HKEY key, const WCHAR *name, const struct credstore_value *old)
{
    LONG err;

    if (old->present)
        return RegSetValueExW(key, name, 0, old->type, old->data, old->len);
    err = RegDeleteValueW(key, name);
    return err == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : err;
}

static LONG write_journal(HKEY key, int remote, const BYTE *const value[3], const DWORD len[3],
                          const BYTE *data0, DWORD data0_len)
{
    static const char *const points[3] = { "journal-data1", "journal-data2", "journal-data3" };
    HKEY j;
    LONG err;
    int i;

    /* Non-volatile: the journal must outlive a crash or a power cut. It
     * holds ciphertexts and DATA0 only, and takes ExMPLS's inheritable
     * permissions. */
    err = RegCreateKeyExW(key, CREDSTORE_JOURNAL, 0, NULL, REG_OPTION_NON_VOLATILE,
                          KEY_SET_VALUE | credstore_view(remote), NULL, &j, NULL);
    if (err != ERROR_SUCCESS)
        return err;
    for (i = 0; i < 3 && err == ERROR_SUCCESS; i++) {
        err = fault(points[i]);
        if (err == ERROR_SUCCESS)
            err = set_binary(j, credstore_names[i], value[i], len[i]);
    }
    /* DATA0 last: its presence says the journal is complete. */
    if (err == ERROR_SUCCESS)
        err = fault("journal-data0");
    if (err == ERROR_SUCCESS)
        err = set_binary(j, CREDSTORE_DATA0, data0, data0_len);
    /* On disk before DATA1..3 change, so that a power cut cannot leave
     * changed values without the journal that finishes them. */
    if (err == ERROR_SUCCESS)
        err = RegFlushKey(j);
    RegCloseKey(j);
    return err;
}

LONG credstore_write(HKEY key, int remote, const BYTE *const value[3],
                     const DWORD len[3], const BYTE *data0, DWORD data0_len,
                     enum credstore_after *after)
{
    static const char *const points[3] = { "main-data1", "main-data2", "main-data3" };
    static const char *const undo_points[3] = { "rollback-data1", "rollback-data2",
                                                "rollback-data3" };
    struct credstore_value old[3];
    LONG err = ERROR_SUCCESS, undo_err = ERROR_SUCCESS;
    int i, written = 0;

    *after = CREDSTORE_UNCHANGED;
    memset(old, 0, sizeof(old));
    for (i = 0; i < 3 && err == ERROR_SUCCESS; i++)
        err = credstore_read(key, credstore_names[i], &old[i]);
    if (err == ERROR_SUCCESS)
        err = write_journal(key, remote, value, len, data0, data0_len);
    if (err != ERROR_SUCCESS) {
        /* DATA1..3 not touched yet: only the journal may need to go. */
        delete_journal(key, remote);
        goto done;
    }

    for (i = 0; i < 3 && err == ERROR_SUCCESS; i++) {
        err = fault(points[i]);
        if (err == ERROR_SUCCESS)
            err = set_binary(key, credstore_names[i], value[i], len[i]);
        if (err == ERROR_SUCCESS)
            written++;
    }
    if (err == ERROR_SUCCESS)
        err = RegFlushKey(key);

    if (err != ERROR_SUCCESS) {
        /* Put back what was there (the one that failed may be half-done
         * for all we know, so it is restored too). */
        for (i = written < 3 ? written : 2; i >= 0; i--) {
            LONG e = fault(undo_points[i]);
            if (e == ERROR_SUCCESS)
                e = restore(key, credstore_names[i], &old[i]);
            if (e != ERROR_SUCCESS && undo_err == ERROR_SUCCESS)
                undo_err = e;
        }
        if (undo_err == ERROR_SUCCESS) {
            RegFlushKey(key);
            delete_journal(key, remote);
        } else {
            *after = CREDSTORE_JOURNALED;
        }
        goto done;
    }

    /* All three are in place; a journal left here (the delete failed, or
     * the process died) only writes the same values again. */
    err = fault("journal-delete");
    if (err == ERROR_SUCCESS)
        err = delete_journal(key, remote);
    if (err != ERROR_SUCCESS)
        *after = CREDSTORE_JOURNALED;
done:
    for (i = 0; i < 3; i++)
        credstore_value_free(&old[i]);
    return err;
}

LONG credstore_recover(HKEY key, int remote, enum credstore_recovery *what)
{
    struct credstore_value jv[4], data0;
    const BYTE *value[3];
    DWORD len[3];
    HKEY j;
    LONG err;
    int i, complete;

    *what = CREDSTORE_NOTHING;
    err = RegOpenKeyExW(key, CREDSTORE_JOURNAL, 0, KEY_QUERY_VALUE | credstore_view(remote), &j);
    if (err == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (err != ERROR_SUCCESS)
        return err;
    memset(jv, 0, sizeof(jv));
    memset(&data0, 0, sizeof(data0));
    for (i = 0; i < 3 && err == ERROR_SUCCESS; i++)
        err = credstore_read(j, credstore_names[i], &jv[i]);
    if (err == ERROR_SUCCESS)
        err = credstore_read(j, CREDSTORE_DATA0, &jv[3]);
    RegCloseKey(j);
    if (err == ERROR_SUCCESS)
        err = credstore_read(key, CREDSTORE_DATA0, &data0);
    if (err != ERROR_SUCCESS)
        goto done;

    /* Complete, and encrypted to the key DATA0 still names: finish it.
     * Anything else never reached DATA1..3, or is for a key that is gone. */
    complete = jv[0].present && jv[1].present && jv[2].present
               && credstore_value_same(&jv[3], &data0);
    if (complete) {
        for (i = 0; i < 3 && err == ERROR_SUCCESS; i++) {
            value[i] = jv[i].data;
            len[i] = jv[i].len;
            err = set_binary(key, credstore_names[i], value[i], len[i]);
        }
        if (err == ERROR_SUCCESS)
            err = RegFlushKey(key);
        if (err != ERROR_SUCCESS)
            goto done;   /* the journal stays for the next attempt */
    }
    err = delete_journal(key, remote);
    if (err == ERROR_SUCCESS)
        *what = complete ? CREDSTORE_COMPLETED : CREDSTORE_DISCARDED;
done:
    for (i = 0; i < 4; i++)
        credstore_value_free(&jv[i]);
    credstore_value_free(&data0);
    return err;
}
