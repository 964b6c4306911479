@echo off
rem uninstall.cmd [folder]: the reverse of install.cmd, in reverse order.
rem   1. regsvr32 /u empkpps.dll;
rem   2. empkp /unregserver;
rem   3. deletes empkp.exe, empkpps.dll and empkpcred.exe (not the folder: Exchsrvr\bin is
rem      Exchange's own).
rem It keeps HKLM\SOFTWARE\Microsoft\ExMPLS (DATA0..DATA3) and empkp's key
rem store: they hold the mailbox access account's credentials, encrypted by
rem MOM's tools, which must survive an upgrade or a reinstall.
rem Run it as an administrator.  Exit code: 0 when every step worked (or had
rem nothing to do), else the number of the step that failed, after a message.
setlocal
set "DEST=%ProgramFiles%\Exchsrvr\bin"
if not "%~1"=="" set "DEST=%~1"
echo Removing empkp from "%DEST%"

if not exist "%DEST%\empkpps.dll" goto server
rem regsvr32 by its full path, of the DLL's bitness (see install.cmd).
set "EMPKP_ARCH=@ARCH@"
set "REGSVR32=%SystemRoot%\System32\regsvr32.exe"
if "%EMPKP_ARCH%"=="i686" if exist "%SystemRoot%\SysWOW64\regsvr32.exe" set "REGSVR32=%SystemRoot%\SysWOW64\regsvr32.exe"
if "%EMPKP_ARCH%"=="x86_64" if exist "%SystemRoot%\Sysnative\regsvr32.exe" set "REGSVR32=%SystemRoot%\Sysnative\regsvr32.exe"
"%REGSVR32%" /s /u "%DEST%\empkpps.dll"
set RC=%errorlevel%
if not "%RC%"=="0" goto noproxy

:server
if not exist "%DEST%\empkp.exe" goto files
"%DEST%\empkp.exe" /unregserver
set RC=%errorlevel%
if not "%RC%"=="0" goto noreg

:files
rem Unregistered, a server of this version ends within a second of its last
rem call; /stopservers waits for that (up to 30 s, then ends it), so that
rem the files can go.  An older empkp.exe does not know the switch: the
rem check below then reports a file still in use.
if exist "%DEST%\empkp.exe" "%DEST%\empkp.exe" /stopservers >nul 2>&1
if exist "%DEST%\empkp.exe" del /f "%DEST%\empkp.exe"
if exist "%DEST%\empkpps.dll" del /f "%DEST%\empkpps.dll"
if exist "%DEST%\empkpcred.exe" del /f "%DEST%\empkpcred.exe"
if exist "%DEST%\empkp.exe" goto inuse
if exist "%DEST%\empkpps.dll" goto inuse
if exist "%DEST%\empkpcred.exe" goto inuse

echo empkp is unregistered and removed.
echo Kept HKLM\SOFTWARE\Microsoft\ExMPLS and the key store: the credentials stored for MOM stay valid.
exit /b 0

:noproxy
echo uninstall.cmd: "regsvr32 /u empkpps.dll" failed with exit code %RC% (5: access denied, run this as an administrator). Nothing was removed.
exit /b 1
:noreg
echo uninstall.cmd: "empkp /unregserver" failed with exit code %RC% (5: access denied, run this as an administrator). The files stay in "%DEST%".
exit /b 2
:inuse
echo uninstall.cmd: could not delete the files in "%DEST%": empkp.exe is probably still running (it exits a minute after its last client). Wait and run this again.
exit /b 3
