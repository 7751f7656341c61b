#!/bin/sh
# Chromium with the real clock: npm run test:dates moves the clock of Parley's
# own processes with libfaketime, which must not reach the browser (its crash
# handler fails on a faked clock_gettime, and the browser's clock is not ours to test).
unset LD_PRELOAD FAKETIME FAKETIME_FMT FAKETIME_SKIP_CMDS DONT_FAKE_MONOTONIC
exec /usr/bin/chromium "$@"
