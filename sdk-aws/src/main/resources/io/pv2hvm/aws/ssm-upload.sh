#!/bin/sh
# The last command of SsmTransport's upload, once the content arrived in TMP as base64 chunks.
# SsmTransport drops these header lines and fills in the @NAME@ fields (TMP and PATH as quoted
# shell words, MODE in octal). Decodes TMP into PATH, gives PATH the MODE and removes TMP, each step
# only if the one before worked.
base64 -d @TMP@ > @PATH@ && chmod @MODE@ @PATH@ && rm -f @TMP@
