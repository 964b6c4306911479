@echo off
rem install.cmd [folder]: installs empkp the way KB 911143 describes.
rem   1. copies empkp.exe, empkpps.dll and empkpcred.exe (the credentials
rem      tool, when it is beside this script) into C:\Program Files\Exchsrvr\bin
rem      (Exchange 2003), or into the folder given as the argument (for
rem      Exchange 2000 with MOM 2005: "%CommonProgramFiles%\Exchange 2000
rem      Management Pack Objects");
rem   2. runs empkp /regserver: the class, ProgIDs, AppID, type library;
rem   3. runs regsvr32 empkpps.dll: the proxy/stub DLL.  After /regserver on
rem      purpose: both write the interface's ProxyStubClsid32, the last wins.
rem Run it as an administrator.  Exit code: 0 when every step worked, else
rem the number of the step that failed, after a message saying why.
rem No parenthesized blocks below: a path such as "Program Files (x86)"
rem inside one would end the block early.
setlocal
set "SRC=%~dp0"
set "DEST=%ProgramFiles%\Exchsrvr\bin"
if not "%~1"=="" set "DEST=%~1"

if not exist "%SRC%empkp.exe" goto missing
if not exist "%SRC%empkpps.dll" goto missing

echo Installing empkp into "%DEST%"
if not exist "%DEST%\" mkdir "%DEST%"
if not exist "%DEST%\" goto nodir

rem Over an earlier install: a running server (it lingers after its last
rem client, longer during a Publish) holds the files.  The new empkp.exe
rem waits up to 30 s for every server to end and ends those still busy
rem (the manual, "Upgrading and removing"), so the copies below find the
rem files free.
if not exist "%DEST%\empkp.exe" goto copy
"%SRC%empkp.exe" /stopservers
set RC=%errorlevel%
if not "%RC%"=="0" goto nostop

:copy
copy /y "%SRC%empkp.exe" "%DEST%\empkp.exe" >nul
if errorlevel 1 goto nocopy
copy /y "%SRC%empkpps.dll" "%DEST%\empkpps.dll" >nul
if errorlevel 1 goto nocopy
if not exist "%SRC%empkpcred.exe" goto register
copy /y "%SRC%empkpcred.exe" "%DEST%\empkpcred.exe" >nul
if errorlevel 1 goto nocopy

:register

rem A script waits for a GUI program such as empkp.exe to end, so errorlevel
rem is its exit code.
"%DEST%\empkp.exe" /regserver
set RC=%errorlevel%
if not "%RC%"=="0" goto noreg
rem regsvr32 by its full path: a bare name would run a regsvr32.cmd (or .exe)
rem planted in the current folder.  Which one: a 32-bit empkpps.dll needs the
rem 32-bit regsvr32, which 64-bit Windows keeps in SysWOW64 (its System32 is
rem 64-bit); a 64-bit one the 64-bit regsvr32, which a 32-bit cmd.exe reaches
rem as Sysnative.  make dist writes the build's arch below.
set "EMPKP_ARCH=@ARCH@"
set "REGSVR32=%SystemRoot%\System32\regsvr32.exe"
if "%EMPKP_ARCH%"=="i686" if exist "%SystemRoot%\SysWOW64\regsvr32.exe" set "REGSVR32=%SystemRoot%\SysWOW64\regsvr32.exe"
if "%EMPKP_ARCH%"=="x86_64" if exist "%SystemRoot%\Sysnative\regsvr32.exe" set "REGSVR32=%SystemRoot%\Sysnative\regsvr32.exe"
"%REGSVR32%" /s "%DEST%\empkpps.dll"
set RC=%errorlevel%
if not "%RC%"=="0" goto noproxy

echo empkp is installed and registered.
echo Check as KB 911143 says: dcomcnfg lists EMPKP, and the KB's script shows 0.
exit /b 0

:missing
echo install.cmd: empkp.exe and empkpps.dll must be in the folder of this script ("%SRC%"). Nothing was changed.
exit /b 1
:nodir
echo install.cmd: could not create "%DEST%". Run this as an administrator. Nothing was changed.
exit /b 1
:nostop
echo install.cmd: "empkp /stopservers" failed with exit code %RC%: an empkp server is still running (5: access denied, run this as an administrator). Nothing was changed.
exit /b 1
:nocopy
echo install.cmd: could not copy the files into "%DEST%". Run this as an administrator; if empkp.exe is running, wait a minute for it to exit and try again.
exit /b 1
:noreg
echo install.cmd: "empkp /regserver" failed with exit code %RC% (5: access denied, run this as an administrator). Its registration was rolled back; the files stay in "%DEST%".
exit /b 2
:noproxy
echo install.cmd: "regsvr32 empkpps.dll" failed with exit code %RC%. empkp is registered and works without it (COM then marshals with the type library).
exit /b 3
