#!/bin/sh
# SsmTransport's wrapper around one command. SSM passes a script no arguments, so SsmTransport drops
# these header lines and fills in the @NAME@ fields: SPOOL the spool directory, OUT and ERR the
# spool files, SECONDS the command's timeout, COMMAND the command as one quoted shell word,
# FIRST_CHUNK how many bytes of each output the first answer carries.
# It runs the command with its outputs spooled, then prints their sizes and the first chunk of each
# in base64, so a short command needs one round trip. coreutils timeout signals the command's whole
# process group, so nothing outlives the deadline on the worker; SSM's own executionTimeout is a
# backstop. When both streams fit the first answer nothing is read back, so the spool goes at once,
# not in a command of its own. No `set -e`: the command's exit status is the answer.
# shellcheck disable=SC2170  # @FIRST_CHUNK@ is a number once filled in
umask 077; mkdir -p @SPOOL@
timeout -k 10 @SECONDS@ sh -c @COMMAND@ >@OUT@ 2>@ERR@ </dev/null
rc=$?
so=$(wc -c <@OUT@); se=$(wc -c <@ERR@)
echo "$so $se"
head -c @FIRST_CHUNK@ @OUT@ | base64 -w0; echo
head -c @FIRST_CHUNK@ @ERR@ | base64 -w0; echo
if [ "$so" -le @FIRST_CHUNK@ ] && [ "$se" -le @FIRST_CHUNK@ ]; then rm -f @OUT@ @ERR@; fi
exit $rc
