#!/usr/bin/env bash
# Three DistillGuard members on one machine (loopback ports 9401-9403), each serving its TAXII
# collection and polling the other two every second. See docs/INTEL.md.
#
#   examples/intel/consortium.sh DIR        # sets up DIR (keys, configurations) and starts all three
#   kill $(cat DIR/*.pid)                   # stops them
#
# Then, as member A:
#   ./distillguard intel export -c DIR/a.json --log LOG --out DIR/bundle.json --publish ANALYSIS_DIR
#   ./distillguard intel indicators -c DIR/b.json
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
dg="$here/distillguard"
dir="${1:?usage: consortium.sh DIR}"
mkdir -p "$dir"
cd "$dir"

[ -f consortium.key ] || "$dg" intel keygen --consortium --out consortium.key >/dev/null
declare -A pub port
port[a]=9401; port[b]=9402; port[c]=9403
for m in a b c; do
  [ -f "$m.key" ] || "$dg" intel keygen --out "$m.key" >/dev/null
  pub[$m]="$(sed -n 's/^public: //p' "$m.key")"
done

for m in a b c; do
  peers=""
  tokens=""
  for p in a b c; do
    [ "$p" = "$m" ] && continue
    peers="$peers${peers:+,}
    {\"name\":\"provider-$p\",\"public_key\":\"${pub[$p]}\",
     \"taxii\":{\"url\":\"http://127.0.0.1:${port[$p]}/taxii2/\",\"token\":\"$m-reads-$p\"}}"
    tokens="$tokens${tokens:+,}\"provider-$p\":\"$p-reads-$m\""
  done
  cat > "$m.json" <<JSON
{
  "member": "provider-$m",
  "signing_key": "$m.key",
  "consortium_key": "consortium.key",
  "state_dir": "state-$m",
  "tlp": "amber",
  "server": {"host": "127.0.0.1", "port": ${port[$m]}, "publisher_token": "$m-publishes",
             "tokens": {$tokens}},
  "peers": [$peers
  ]
}
JSON
done

for m in a b c; do
  DISTILLGUARD_JAVA_OPTS="${DISTILLGUARD_JAVA_OPTS:--Xmx512m}" "$dg" intel serve -c "$m.json" --poll-interval 1s > "$m.log" 2>&1 &
  echo $! > "$m.pid"
done
echo "members running (logs: $dir/{a,b,c}.log; stop: kill \$(cat $dir/*.pid))"
