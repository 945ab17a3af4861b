#!/bin/sh
# Builds a small test initramfs around the example image's own programs: /init from kiln-init's
# init.c and /usr/bin/kiln-status, both compiled statically for the build host, plus services.
#
#   scripts/make-test-initramfs.sh [--busybox] OUTPUT.cpio.gz [SERVICE...]
#
# Each SERVICE becomes an entry of /etc/kiln/services.d (see init.c for the naming convention):
#   path/NAME.c     compiled statically, installed as NAME    (10-hello.oneshot.c -> 10-hello.oneshot)
#   NAME=/target    a symlink NAME -> /target inside the image (20-status.oneshot=/usr/bin/kiln-status)
#   path/NAME       any other file, copied as NAME and made executable (scripts need --busybox)
# --busybox adds /bin/busybox (it must be a static one: Debian's busybox-static) with /bin/sh.
# The archive is a gzip'd newc cpio with every file owned by root. Boot it for example with
#   qemu-system-x86_64 -machine q35 -accel tcg -m 256 -nographic -no-reboot -nic none \
#     -kernel /boot/vmlinuz-... -initrd OUTPUT.cpio.gz -append "console=ttyS0 kiln.poweroff_when_done=1"
# Environment: CC (default gcc), CFLAGS (default -O2).
set -eu

usage() {
    echo "usage: $0 [--busybox] OUTPUT.cpio.gz [SERVICE...]" >&2
    exit 2
}

busybox=no
if [ "${1:-}" = "--busybox" ]; then
    busybox=yes
    shift
fi
[ $# -ge 1 ] || usage
case "$1" in
    /*) output=$1 ;;
    *) output=$(pwd)/$1 ;;
esac
shift

here=$(cd "$(dirname "$0")/.." && pwd)
init_c=$here/layers/meta-kiln-example/recipes-core/kiln-init/files/init.c
status_c=$here/layers/meta-kiln-example/recipes-example/kiln-status/files/kiln-status.c
cc=${CC:-gcc}
cflags=${CFLAGS:--O2}

work=$(mktemp -d "${TMPDIR:-/tmp}/kiln-initramfs.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/root
services=$root/etc/kiln/services.d
mkdir -p "$root/bin" "$root/usr/bin" "$root/dev" "$root/proc" "$root/sys" "$root/run" "$root/tmp" "$services"

compile() { # compile SOURCE OUTPUT
    # shellcheck disable=SC2086 # CFLAGS is a list of words
    "$cc" -static $cflags -Wall -Wextra -o "$2" "$1"
}

compile "$init_c" "$root/init"
compile "$status_c" "$root/usr/bin/kiln-status"
echo kiln-test >"$root/etc/hostname"

if [ "$busybox" = yes ]; then
    bb=$(command -v busybox || true)
    [ -n "$bb" ] || {
        echo "$0: --busybox given but there is no busybox (install busybox-static)" >&2
        exit 1
    }
    cp "$bb" "$root/bin/busybox"
    ln -s busybox "$root/bin/sh"
fi

for service in "$@"; do
    case "$service" in
        *=*)
            ln -s "${service#*=}" "$services/${service%%=*}"
            ;;
        *.c)
            name=$(basename "$service" .c)
            compile "$service" "$services/$name"
            ;;
        *)
            name=$(basename "$service")
            cp "$service" "$services/$name"
            chmod 0755 "$services/$name"
            ;;
    esac
done

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -n -9 >"$output"
