#!/usr/bin/env bash
# Checks the webhook benchmark's load generator (OpenLoopLoad) against servers that answer chunked, close
# connections, drop requests, send malformed responses and read slowly: every request must end with the status
# expected and reach the server exactly once. Exit 1 on any mismatch.
source "$(dirname "$0")/build.sh"
java -Xmx1g -cp "bench/classes:$CP" io.shopifysync.bench.OpenLoopLoadSelfCheck "$@"
