#!/usr/bin/env bash
# Installs the native prerequisites a bare Debian/Ubuntu machine lacks, and does nothing when they
# are present (it runs before every build of AppHost and Tests, so it must stay fast):
#   python3-grpcio   an independent gRPC peer for the interop tests (Tests only)
#   chromium         headless browser for the web page test (Tests only)
#   python3-confluent-kafka, python3-protobuf, protobuf-compiler
#                    the seed's agents in Python, with classes protoc generates from the seed's
#                    contract, and the contract comparison (Tests only)
# PostgreSQL's server binaries are also needed (package postgresql) for the local database.
# (librdkafka comes from the librdkafka.redist NuGet package, not from the system.)
set -euo pipefail

scope="${1:-run}"   # run | test

# A solution build runs this for AppHost and Tests at once: one installs, the other waits and re-checks.
exec 9>"${TMPDIR:-/tmp}/change-pipeline-prerequisites.lock"
flock 9

missing=()

compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null || missing+=(postgresql)
if [ "$scope" = test ]; then
  /usr/bin/python3 -c "import grpc" >/dev/null 2>&1 || missing+=(python3-grpcio)
  command -v chromium >/dev/null || missing+=(chromium)
  /usr/bin/python3 -c "import confluent_kafka" >/dev/null 2>&1 || missing+=(python3-confluent-kafka)
  /usr/bin/python3 -c "import google.protobuf" >/dev/null 2>&1 || missing+=(python3-protobuf)
  command -v protoc >/dev/null || missing+=(protobuf-compiler)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-prerequisites: missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-prerequisites: run 'sudo apt-get install ${missing[*]}' (or your distribution's equivalent), then build again." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-prerequisites: installed ${missing[*]}"
