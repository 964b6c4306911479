/* empkp /diagnose [/fix] [/format:json]: KB 911143 as a command.  Runs the
 * checks of diagnose_logic.h on this machine for the identity this
 * program's file name gives it, prints them (console.c) and returns the
 * exit code: 0 when MOM would log event 9986, else the event it would log
 * instead.  Without fix it changes nothing: Publish() is called only when
 * it would write nothing.  With fix it re-registers this program and
 * publishes when the checks say so, then checks again. */
#ifndef EMPKP_DIAGNOSE_H
#define EMPKP_DIAGNOSE_H

#include <windows.h>

DWORD diagnose(int fix, int json);

#endif
