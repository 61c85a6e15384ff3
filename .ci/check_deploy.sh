#!/usr/bin/env bash
# Checks the files in deploy/ as they would be pasted, each with the tool that reads it:
#   Dockerfile        its own `go build` line gives a static, version-stamped binary; an image with
#                     the Dockerfile's final stage (fed by that binary, built with podman, offline)
#                     runs `version` and `demo` as user 10001 on a read-only root, and has no shell
#   vxrecon.service   systemd-analyze verify (the binary installed where ExecStart names it, under
#   vxrecon.timer     a scratch --root), systemd-analyze security, and the directives we rely on
#   crontab           its command line, un-escaped as cron does, run by sh in an empty directory
#                     against `vxrecon simulate`: exit 0, the dated workbook, silent on success,
#                     one line (for cron's mail) and the exit code on failure
#   cronjob.yaml      parsed with python3-yaml; the keys a safe nightly run needs are asserted
#   compose.yaml      parsed with python3-yaml: PostgreSQL, the simulator and a run with a ledger
#   alerts.yml        promtool check rules, and promtool test rules with deploy/alerts_test.yml
# Installs what it needs when missing; a tool still missing after that fails the check.
# Run from anywhere: bash .ci/check_deploy.sh
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH="$PATH:/usr/local/go/bin"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
export LC_ALL=C
started=$(date +%s)

fail() { echo "check_deploy: FAIL: $*" >&2; exit 1; }

# ---- tools -----------------------------------------------------------------------------------------
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
command -v file >/dev/null 2>&1 || need+=(file)
/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1 || need+=(python3-yaml)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
fi
for t in promtool systemd-analyze podman runc file go; do
  command -v "$t" >/dev/null 2>&1 || fail "$t missing after install"
done
/usr/bin/python3 -c 'import yaml' || fail "python3-yaml missing after install"

# ---- scratch space, cleaned up on every way out -------------------------------------------------
tmp=$(mktemp -d)
sim_pid=""
pm() { # podman on a private store under $tmp: nothing shared with the machine's own containers
  podman --root "$tmp/ctr/root" --runroot "$tmp/ctr/run" --tmpdir "$tmp/ctr/tmp" \
    --storage-driver vfs --runtime runc --cgroup-manager cgroupfs --events-backend file "$@"
}
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  if [ -d "$tmp/ctr/root" ]; then
    pm rm -a -f >/dev/null 2>&1 || true
    pm rmi -a -f >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- Dockerfile: its go build line, then an image with its final stage ---------------------------
echo "== deploy/Dockerfile: the build stage's go build line"
df=deploy/Dockerfile
build_line=$(grep -E '^RUN .*go build ' "$df" | sed 's/^RUN //') || fail "$df: no 'RUN ... go build' line"
[ "$(printf '%s\n' "$build_line" | wc -l)" -eq 1 ] || fail "$df: more than one go build line"
case "$build_line" in *\\) fail "$df: the go build line must be one line" ;; esac
for want in 'CGO_ENABLED=0' ' -trimpath ' '-s -w' '-X main.version=${VERSION}' ' -o /rootfs/vxrecon '; do
  case "$build_line" in *"$want"*) ;; *) fail "$df: the go build line lacks '$want'" ;; esac
done
grep -q '^RUN sh deploy/image-rootfs.sh /rootfs$' "$df" || fail "$df: the build stage must lay out /rootfs with deploy/image-rootfs.sh"
ctx="$tmp/image"
mkdir -p "$ctx/rootfs"
# The line as written, run by sh as the build stage's RUN would, writing into $ctx/rootfs.
(VERSION=ci-check; export VERSION; sh -c "${build_line/ -o \/rootfs\/vxrecon / -o $ctx/rootfs/vxrecon }")
bin="$ctx/rootfs/vxrecon"
file "$bin" | grep -q 'statically linked' || fail "not a static binary: $(file "$bin")"
if ldd "$bin" >/dev/null 2>&1; then fail "ldd sees a dynamic binary: $(ldd "$bin" 2>&1)"; fi
"$bin" version | grep -q '^vxrecon ci-check ' || fail "version not stamped: $("$bin" version)"
go version -m "$bin" | grep -q -- '-tags=timetzdata' || fail "time zone database not built in (-tags timetzdata)"
echo "static, stamped: $("$bin" version)"
sh deploy/image-rootfs.sh "$ctx/rootfs"
# From here on every check runs this very binary (the one the image ships).
mkdir -p "$tmp/bin"
cp "$bin" "$tmp/bin/vxrecon"

echo "== deploy/Dockerfile: the final stage, built with podman and run"
final_from=$(grep -n -i '^FROM ' "$df" | tail -n 1 | cut -d: -f1)
sed -n "${final_from}p" "$df" | grep -q -i '^FROM scratch$' || fail "$df: the final stage must be FROM scratch"
{
  echo "# CI only: the build stage is replaced by the files it would have made; the final stage is"
  echo "# deploy/Dockerfile's own, line for line."
  echo "FROM scratch AS build"
  echo "COPY rootfs/ /rootfs/"
  tail -n "+$final_from" "$df"
} >"$ctx/Containerfile"
mkdir -p "$tmp/ctr/root" "$tmp/ctr/run" "$tmp/ctr/tmp"
pm build --pull=never -q -f "$ctx/Containerfile" -t localhost/vxrecon:ci-check "$ctx" >"$tmp/podman-build.log" 2>&1 ||
  { cat "$tmp/podman-build.log"; fail "podman build of the final stage"; }
user=$(pm image inspect --format '{{.Config.User}}' localhost/vxrecon:ci-check)
[ "$user" = "10001:10001" ] || fail "image user is '$user', want 10001:10001"
entry=$(pm image inspect --format '{{json .Config.Entrypoint}}' localhost/vxrecon:ci-check)
[ "$entry" = '["/vxrecon"]' ] || fail "image entrypoint is $entry"
cid=$(pm create localhost/vxrecon:ci-check)
pm export "$cid" | tar -tv >"$tmp/image-listing"
pm rm "$cid" >/dev/null
awk '{print $6}' "$tmp/image-listing" | sed 's|^\./||; s|/$||' | sort >"$tmp/image-files"
for f in vxrecon etc/passwd etc/group etc/ssl/certs/ca-certificates.crt tmp; do
  grep -qx "$f" "$tmp/image-files" || fail "image lacks /$f"
done
grep -qE '^drwxrwxrwt .* (\./)?tmp/?$' "$tmp/image-listing" || fail "image's /tmp is not mode 1777"
grep -qE '^-rwxr-xr-x .* (\./)?vxrecon$' "$tmp/image-listing" || fail "image's /vxrecon is not mode 0755"
! grep -qE '^(bin/sh|usr/bin/sh|bin/busybox)$' "$tmp/image-files" || fail "image has a shell"
# The machine forbids raising rlimits above its own hard limits, which podman's defaults ask for.
run=(pm run --rm --network none --ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
"${run[@]}" localhost/vxrecon:ci-check version >"$tmp/image-version" 2>&1 ||
  { cat "$tmp/image-version"; fail "vxrecon version in the image"; }
grep -q '^vxrecon ci-check ' "$tmp/image-version" || fail "image version: $(cat "$tmp/image-version")"
if "${run[@]}" --entrypoint /bin/sh localhost/vxrecon:ci-check -c true >/dev/null 2>&1; then
  fail "the image runs /bin/sh"
fi
# As in cronjob.yaml: read-only root, a tmpfs at /tmp, a volume owned by the user at /data.
mkdir -p "$tmp/data" && chown 10001:10001 "$tmp/data"
"${run[@]}" --read-only --tmpfs /tmp -v "$tmp/data:/data" localhost/vxrecon:ci-check \
  demo -n 200 -out /data/demo.xlsx -summary-json /data/demo.json -progress off \
  >"$tmp/image-demo.out" 2>"$tmp/image-demo.log" || { tail -n 20 "$tmp/image-demo.log"; fail "vxrecon demo in the image"; }
grep -q 'status=COMPLETE' "$tmp/image-demo.out" || fail "image demo: $(cat "$tmp/image-demo.out")"
[ -s "$tmp/data/demo.xlsx" ] && [ -s "$tmp/data/demo.json" ] || fail "image demo wrote no workbook"
[ "$(stat -c %u "$tmp/data/demo.xlsx")" = 10001 ] || fail "image demo's workbook not owned by 10001"
echo "image: $(cat "$tmp/image-version"); demo as 10001 on a read-only root: $(cat "$tmp/image-demo.out")"

# ---- systemd -----------------------------------------------------------------------------------------
echo "== deploy/vxrecon.service, deploy/vxrecon.timer: systemd-analyze"
svc=deploy/vxrecon.service
tmr=deploy/vxrecon.timer
for d in 'Type=oneshot' 'User=vxrecon' 'Group=vxrecon' 'EnvironmentFile=/etc/vxrecon/env' \
  'StateDirectory=vxrecon.*' 'LogsDirectory=vxrecon' 'UMask=0027' 'TimeoutStopSec=[0-9].*' \
  'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' 'ReadWritePaths=.*'; do
  grep -qx "$d" "$svc" || fail "$svc: no line $d"
done
for f in '-file-mode 0640' '-metrics-file /' '{yesterday}'; do
  grep -qF -- "$f" "$svc" || fail "$svc: ExecStart lacks $f"
done
grep -qx 'OnCalendar=.*' "$tmr" && grep -qx 'Persistent=true' "$tmr" || fail "$tmr: OnCalendar= and Persistent=true wanted"
exe=$(sed -n 's/^ExecStart=[-@:+!]*\([^ ]*\).*/\1/p' "$svc")
case "$exe" in /*) ;; *) fail "$svc: ExecStart must name an absolute path, got '$exe'" ;; esac
root="$tmp/sysroot"
mkdir -p "$root/etc/systemd/system" "$root/usr/lib/systemd" "$root$(dirname "$exe")"
cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/" # the targets the units hook into
cp "$svc" "$tmr" "$root/etc/systemd/system/"
install -m 0755 "$tmp/bin/vxrecon" "$root$exe"
verify() {
  local out rc=0
  out=$(systemd-analyze verify --man=no --root="$root" \
    "$root/etc/systemd/system/vxrecon.service" "$root/etc/systemd/system/vxrecon.timer" 2>&1) || rc=$?
  # systemd-analyze exits 0 on unknown keys and bad values, so any line it prints counts, except
  # that the unit's user or group does not exist on this machine (they are made on install).
  out=$(printf '%s\n' "$out" | grep -v -E '(User|Group|user|group).*vxrecon.*(not found|does not exist|unknown|resolve)' | sed '/^$/d') || true
  printf '%s\n' "$out" | sed '/^$/d'
  [ "$rc" -eq 0 ] && [ -z "$out" ]
}
verify || fail "systemd-analyze verify"
# The same check must catch a missing ExecStart binary, or it proves nothing.
rm "$root$exe"
if verify >/dev/null 2>&1; then fail "systemd-analyze verify passed without the ExecStart binary"; fi
install -m 0755 "$tmp/bin/vxrecon" "$root$exe"
# --threshold is in tenths: 30 = an exposure level of 3.0 (systemd calls up to 4.9 "OK").
systemd-analyze security --offline=true --root="$root" --threshold=30 vxrecon.service >"$tmp/security.log" 2>&1 ||
  { tail -n 5 "$tmp/security.log"; fail "systemd-analyze security: exposure over 3.0"; }
echo "verify: clean; $(grep -o 'Overall exposure level.*' "$tmp/security.log")"

# ---- crontab -----------------------------------------------------------------------------------------
echo "== deploy/crontab: its command, run by sh in an empty directory"
cron_cmd=$(/usr/bin/python3 - deploy/crontab <<'PY'
import re, sys
env, jobs = {}, []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line.strip() or line.lstrip().startswith("#"):
        continue
    m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", line)
    if m:
        env[m.group(1)] = m.group(2)
        continue
    jobs.append(line)
if len(jobs) != 1:
    sys.exit(f"crontab: want exactly one job line, got {len(jobs)}")
fields = jobs[0].split(None, 5)
if len(fields) != 6 or not all(re.fullmatch(r"[0-9*,/-]+", f) for f in fields[:5]):
    sys.exit("crontab: the job line must be five time fields and a command")
cmd = fields[5]
if re.search(r"(?<!\\)%", cmd):
    sys.exit("crontab: an unescaped % (cron ends the command there): write \\%")
cmd = cmd.replace("\\%", "%")  # as cron does
for name in ("MAILTO", "PATH"):
    if name not in env:
        sys.exit(f"crontab: no {name}= line")
assigned = set(re.findall(r"\b([A-Za-z_][A-Za-z0-9_]*)=", cmd))
for name in set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", cmd)):
    if name not in env and name not in assigned and name not in ("HOME", "LOGNAME", "SHELL"):
        sys.exit(f"crontab: the command uses ${name}, which the crontab does not set")
if "mail " in cmd or "mailx" in cmd or "sendmail" in cmd:
    sys.exit("crontab: the command must not assume a mail program")
print(cmd)
PY
) || fail "deploy/crontab"
# The simulated API on a free loopback port; it prints its URL.
"$tmp/bin/vxrecon" simulate -addr 127.0.0.1:0 >"$tmp/sim.out" 2>"$tmp/sim.log" &
sim_pid=$!
url=""
for _ in $(seq 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$tmp/sim.out" 2>/dev/null | head -n 1) || true
  [ -n "$url" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$tmp/sim.log"; fail "vxrecon simulate exited"; }
  sleep 0.1
done
[ -n "$url" ] || fail "vxrecon simulate printed no URL"
home="$tmp/cron-home"
base="$home/vxrecon"
mkdir -p "$home"
cat >"$home/env" <<EOF
VXRECON_TOKEN='any\$token'
VXRECON_BASE_URL=$url
EOF
chmod 0600 "$home/env"
cron_run() { # as cron runs it: sh -c in HOME, a bare environment plus the crontab's variables
  (cd "$home" && env -i HOME="$home" LOGNAME=root SHELL=/bin/sh PATH="$tmp/bin:/usr/bin:/bin" \
    MAILTO=nobody RECON_DIR="$base" RECON_ENV="$home/env" sh -c "$cron_cmd")
}
day=""
for _ in 1 2; do # should the date turn between the two lines below, try again
  day=$(date -d '12:00 yesterday' +%F)
  rm -rf "$base" && mkdir -p "$base/in"
  { echo "request_id,amount"; for i in $(seq -w 1 40); do echo "sim-pass-0000$i,1.00"; done; } >"$base/in/billed-$day.csv"
  rc=0
  cron_run >"$tmp/cron.out" 2>&1 || rc=$?
  [ "$day" = "$(date -d '12:00 yesterday' +%F)" ] && break
done
[ "$rc" -eq 0 ] || { cat "$tmp/cron.out"; tail -n 5 "$base/log/vxrecon.log" 2>/dev/null || true; fail "the crontab's command exited $rc"; }
[ ! -s "$tmp/cron.out" ] || { cat "$tmp/cron.out"; fail "the crontab's command printed something on success (cron would mail it)"; }
for f in "out/recon-$day.xlsx" "out/recon-$day.json" "state/recon-$day.jsonl" log/vxrecon.log; do
  [ -s "$base/$f" ] || fail "the crontab's command did not write $f"
done
[ "$(head -c 2 "$base/out/recon-$day.xlsx")" = PK ] || fail "recon-$day.xlsx is not a workbook"
grep -q 'total=40 .*status=COMPLETE' "$base/log/vxrecon.log" || fail "no summary line in log/vxrecon.log"
# Again the same night (a rerun): the log is appended to.
cron_run >"$tmp/cron.out" 2>&1 || fail "the crontab's command, run again, exited $?"
[ "$(grep -c 'status=COMPLETE' "$base/log/vxrecon.log")" -eq 2 ] || fail "log/vxrecon.log not appended to"
# No input: one line for cron's mail, and the exit code.
rm "$base/in/billed-$day.csv"
rc=0
cron_run >"$tmp/cron.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { cat "$tmp/cron.out"; fail "with no input the crontab's command exited $rc, want 2"; }
[ "$(wc -l <"$tmp/cron.out")" -eq 1 ] && grep -q 'exit code 2' "$tmp/cron.out" ||
  { cat "$tmp/cron.out"; fail "with no input, want one line naming exit code 2"; }
echo "cron: recon-$day.xlsx written from a fresh directory, silent; a missing input says: $(cat "$tmp/cron.out")"
kill "$sim_pid" 2>/dev/null || true
wait "$sim_pid" 2>/dev/null || true
sim_pid=""

# ---- Kubernetes CronJob ---------------------------------------------------------------------------
echo "== deploy/cronjob.yaml: parsed and checked"
image_user=$(grep -E '^USER ' "$df" | tail -n 1 | awk '{print $2}')
/usr/bin/python3 - deploy/cronjob.yaml "$image_user" <<'PY'
import re, sys, yaml

path, image_user = sys.argv[1], sys.argv[2]
docs = [d for d in yaml.safe_load_all(open(path, encoding="utf-8")) if d]
errors = []
def want(cond, msg):
    if not cond:
        errors.append(msg)

def qty(s):  # Kubernetes quantity -> bytes
    m = re.fullmatch(r"([0-9.]+)(Ki|Mi|Gi|Ti|k|M|G|T)?", str(s))
    if not m:
        raise SystemExit(f"{path}: bad quantity {s!r}")
    mult = {None: 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
            "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}[m.group(2)]
    return float(m.group(1)) * mult

cjs = [d for d in docs if d.get("kind") == "CronJob"]
if len(cjs) != 1:
    raise SystemExit(f"{path}: want one CronJob, got {len(cjs)}")
cj = cjs[0]
want(cj.get("apiVersion") == "batch/v1", "apiVersion batch/v1")
spec = cj["spec"]
want(bool(spec.get("timeZone")), "spec.timeZone")
want(spec.get("concurrencyPolicy") == "Forbid", "spec.concurrencyPolicy: Forbid")
want(isinstance(spec.get("startingDeadlineSeconds"), int), "spec.startingDeadlineSeconds")
job = spec["jobTemplate"]["spec"]
pod = job["template"]["spec"]
want(pod.get("restartPolicy") in ("Never", "OnFailure"), "restartPolicy Never or OnFailure")
want(int(pod.get("terminationGracePeriodSeconds", 30)) >= 60, "terminationGracePeriodSeconds >= 60 (SIGTERM writes the workbook)")
psc = pod.get("securityContext", {})
want(psc.get("runAsNonRoot") is True, "pod securityContext.runAsNonRoot: true")
uid, _, gid = image_user.partition(":")
want(str(psc.get("runAsUser")) == uid, f"pod runAsUser {uid} (the image's USER)")
want(str(psc.get("runAsGroup")) == (gid or uid), f"pod runAsGroup {gid or uid} (the image's USER)")
want("fsGroup" in psc, "pod securityContext.fsGroup")
want(psc.get("seccompProfile", {}).get("type") == "RuntimeDefault", "pod seccompProfile RuntimeDefault")
cs = pod["containers"]
want(len(cs) == 1, "one container")
c = cs[0]
csc = c.get("securityContext", {})
want(csc.get("readOnlyRootFilesystem") is True, "container readOnlyRootFilesystem: true")
want(csc.get("allowPrivilegeEscalation") is False, "container allowPrivilegeEscalation: false")
want(csc.get("capabilities", {}).get("drop") == ["ALL"], "container capabilities drop [ALL]")
env = {e["name"]: e for e in c.get("env", [])}
for name in ("VXRECON_CLIENT_ID", "VXRECON_CLIENT_SECRET"):
    ref = env.get(name, {}).get("valueFrom", {}).get("secretKeyRef", {})
    want(ref.get("name") and ref.get("key"), f"{name} from a secretKeyRef")
want("VXRECON_TOKEN" not in env or "valueFrom" in env["VXRECON_TOKEN"], "VXRECON_TOKEN only from a Secret")
ledger_ref = env.get("VXRECON_LEDGER", {}).get("valueFrom", {}).get("secretKeyRef", {})
want(ledger_ref.get("name") and ledger_ref.get("key"), "VXRECON_LEDGER (a DSN with a password) from a secretKeyRef")
want(env.get("TMPDIR", {}).get("value") == "/tmp", "env TMPDIR=/tmp")
want(env.get("TZ", {}).get("value") == spec.get("timeZone"), "env TZ equal to spec.timeZone (it dates the files)")
vols = {v["name"]: v for v in pod.get("volumes", [])}
mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
tmpvol = vols.get(mounts.get("/tmp"), {})
size_limit = tmpvol.get("emptyDir", {}).get("sizeLimit")
want(size_limit is not None, "an emptyDir with a sizeLimit mounted at /tmp")
res = c.get("resources", {})
req, lim = res.get("requests", {}), res.get("limits", {})
want("memory" in req and "memory" in lim, "memory request and limit")
if "memory" in lim:
    want(qty(lim["memory"]) >= 512 * 2**20, "memory limit >= 512Mi")
want("ephemeral-storage" in req and "ephemeral-storage" in lim, "ephemeral-storage request and limit")
if size_limit and "ephemeral-storage" in req and "ephemeral-storage" in lim:
    want(qty(req["ephemeral-storage"]) >= qty(size_limit), "ephemeral-storage request >= the /tmp sizeLimit")
    want(qty(lim["ephemeral-storage"]) >= qty(size_limit), "ephemeral-storage limit >= the /tmp sizeLimit")
    want(qty(size_limit) >= 300e6, "/tmp sizeLimit >= 300 MB (a million ids)")
claims = {v["persistentVolumeClaim"]["claimName"]: mp for mp, n in mounts.items()
          for v in [vols.get(n, {})] if "persistentVolumeClaim" in v}
want(len(claims) >= 1, "a PersistentVolumeClaim mounted for outputs and the journal")
pvcs = {d["metadata"]["name"] for d in docs if d.get("kind") == "PersistentVolumeClaim"}
for claim in claims:
    want(claim in pvcs, f"the PersistentVolumeClaim {claim} defined in the file")
args = [str(a) for a in c.get("args", [])]
want(args[:1] == ["run"], "args start with run")
flags = {args[i]: args[i + 1] for i in range(1, len(args) - 1) if args[i].startswith("-")}
for f in ("-input", "-out", "-journal", "-summary-json"):
    v = flags.get(f, "")
    want(re.search(r"\{(date|yesterday)\}", v), f"{f} dated with {{date}} or {{yesterday}}, got {v!r}")
    want(any(v.startswith(mp.rstrip("/") + "/") for mp in claims.values()), f"{f} on the claim's volume, got {v!r}")
want(not any("$" in a or "`" in a for a in args), "no shell syntax in args (the image has no shell)")
want(not c.get("command"), "no command: the image's entrypoint is vxrecon")
if errors:
    raise SystemExit(f"{path}:\n  " + "\n  ".join(errors))
print(f"cronjob: every key present; args {' '.join(args)}")
PY

# ---- compose: PostgreSQL, the simulator and vxrecon ------------------------------------------------
echo "== deploy/compose.yaml: parsed and checked"
/usr/bin/python3 - deploy/compose.yaml <<'PY'
import re, sys, yaml
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
doc = yaml.safe_load(text)
errors = []
def want(cond, msg):
    if not cond:
        errors.append(msg)
svc = doc.get("services", {})
for name in ("db", "api", "ids", "recon"):
    want(name in svc, f"service {name}")
db, recon = svc.get("db", {}), svc.get("recon", {})
want(str(db.get("image", "")).startswith("docker.io/library/postgres:"), "db: the official postgres image, fully named")
want("healthcheck" in db, "db: a healthcheck (recon waits for it)")
env = recon.get("environment", {})
dsn = str(env.get("VXRECON_LEDGER", ""))
want(dsn.startswith(("postgres://", "postgresql://")), "recon: VXRECON_LEDGER is a postgres:// DSN")
want("sslmode=disable" in dsn or "sslmode=verify" in dsn or "sslmode=require" in dsn,
     "recon: the DSN to a host that is not loopback says its sslmode (vxrecon refuses it otherwise)")
want(not re.search(r"://[^/@]*:[^/@]*@", dsn), "recon: no password in the DSN (PGPASSWORD from LEDGER_PASSWORD)")
want(str(env.get("PGPASSWORD", "")).startswith("${LEDGER_PASSWORD"), "recon: PGPASSWORD from ${LEDGER_PASSWORD}")
want(str(db.get("environment", {}).get("POSTGRES_PASSWORD", "")).startswith("${LEDGER_PASSWORD"), "db: POSTGRES_PASSWORD from ${LEDGER_PASSWORD}")
dep = recon.get("depends_on", {})
want(dep.get("db", {}).get("condition") == "service_healthy", "recon waits for a healthy db")
want(dep.get("ids", {}).get("condition") == "service_completed_successfully", "recon waits for the ids")
cmd = [str(a) for a in recon.get("command", [])]
want(cmd[:1] == ["run"] and "-base-url" in cmd and "-allow-http" in cmd, "recon: run against the simulator (-base-url, -allow-http)")
want(not any("$" in a for a in cmd), "recon: no shell syntax in the command (the image has no shell)")
want(svc.get("api", {}).get("build", {}).get("dockerfile") == "deploy/Dockerfile", "api: built from deploy/Dockerfile")
if errors:
    raise SystemExit(f"{path}:\n  " + "\n  ".join(errors))
print("compose: PostgreSQL, the simulator, sample ids and a run with the ledger; no password in the file")
PY

# ---- README ------------------------------------------------------------------------------------------
echo "== README.md shows the crontab's job line and the unit's ExecStart as they are in deploy/"
/usr/bin/python3 - README.md deploy/crontab deploy/vxrecon.service <<'PY'
import re, sys
readme, crontab, unit = (open(p, encoding="utf-8").read() for p in sys.argv[1:])
job = [l for l in crontab.splitlines() if re.match(r"[0-9*]", l)][0]
m = re.search(r"^ExecStart=.*?(?:\\\n.*?)*$", unit, re.M)
if job not in readme.splitlines():
    sys.exit("README.md: the crontab's job line differs from deploy/crontab")
if not m or m.group(0) not in readme:
    sys.exit("README.md: ExecStart differs from deploy/vxrecon.service")
PY

# ---- alerts ------------------------------------------------------------------------------------------
echo "== deploy/alerts.yml: promtool"
promtool check rules deploy/alerts.yml
promtool test rules deploy/alerts_test.yml
# The metric names the contract gives for -metrics-file, and no others.
known=' vxrecon_last_run_timestamp_seconds vxrecon_last_run_duration_seconds vxrecon_last_run_exit_code vxrecon_last_run_complete vxrecon_results vxrecon_ids vxrecon_duplicates vxrecon_invalid_rows vxrecon_requests_total vxrecon_retries_total vxrecon_last_run_requests vxrecon_last_run_retries '
for m in $(grep -v '^\s*#' deploy/alerts.yml | grep -oE 'vxrecon_[a-z_]+' | sort -u); do
  case "$known" in *" $m "*) ;; *) fail "deploy/alerts.yml: $m is not a metric vxrecon writes" ;; esac
done

echo "check_deploy passed in $(($(date +%s) - started)) s"
