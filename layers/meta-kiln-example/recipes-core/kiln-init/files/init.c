/*
 * kiln-init: the PID 1 of the kiln example image.
 *
 * What it does, in order:
 *   1. mounts /proc, /sys, /dev (devtmpfs), /run and /tmp (tmpfs) unless they
 *      are already mounted, and makes sure fds 0/1/2 are the console;
 *   2. sets the hostname from the first line of /etc/hostname;
 *   3. prints a banner line ("KILN-INIT: ...") on the console;
 *   4. starts the services in /etc/kiln/services.d/ (see below);
 *   5. from then on reaps every child (it is PID 1, orphans end up here),
 *      respawns long-running services, and waits for a reason to stop.
 *
 * Service convention (/etc/kiln/services.d/):
 *   - Every regular, executable file whose name does not start with '.' is a
 *     service; symlinks are followed. Services are taken in byte-wise (strcmp)
 *     order of their names, so numeric prefixes ("10-net", "50-app") order them.
 *   - A name ending in ".oneshot" is a one-shot: it is started and init waits
 *     for it to finish before moving on to the next name. Its exit status is
 *     reported if it is not 0; a failure does not stop the sequence.
 *   - Any other name is a daemon: it is started and init moves on at once. If
 *     it exits it is restarted after RESPAWN_DELAY_MS, at most RESPAWN_MAX
 *     times; after that it is left stopped.
 *   - Each service runs as execv(path, {argv0, NULL}) in a new session, with
 *     init's stdin/stdout/stderr (the console), PATH/HOME/TERM set and all
 *     signals back to their defaults. Scripts need a "#!" line and their
 *     interpreter in the image. argv0 is the path itself, except for a
 *     symlink to an absolute path (as kiln-service.bbclass installs them),
 *     where it is the link's target: multi-call programs such as busybox
 *     then see the name they were linked as (50-syslogd -> /sbin/syslogd).
 *
 * Stopping (init prints "KILN-INIT: powering off", then powers the machine off):
 *   - a process writes a line "poweroff" into the FIFO /run/kiln/control,
 *     e.g. `echo poweroff > /run/kiln/control` ("reboot" reboots instead);
 *   - init receives SIGUSR2 or SIGTERM (SIGINT, i.e. Ctrl-Alt-Del, reboots);
 *   - the kernel command line has "kiln.poweroff_when_done=1" and the last
 *     service has been started with all one-shots finished.
 *   Before powering off, every other process gets SIGTERM, then SIGKILL after
 *   a short grace period; file systems are synced, then reboot(RB_POWER_OFF).
 *
 * Build: gcc -static -O2 -Wall -Wextra -o init init.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SERVICES_DIR "/etc/kiln/services.d"
#define CONTROL_DIR "/run/kiln"
#define CONTROL_FIFO CONTROL_DIR "/control"
#define ONESHOT_SUFFIX ".oneshot"
#define RESPAWN_MAX 5          /* restarts allowed per daemon */
#define RESPAWN_DELAY_MS 1000  /* pause before each restart */
#define GRACE_MS 2000          /* SIGTERM -> SIGKILL grace period at shutdown */
#define MAX_SERVICES 256

struct service {
    char *path;        /* full path in SERVICES_DIR, what is executed */
    char *argv0;       /* argv[0]: the link's target for a symlink, else path */
    const char *name;  /* points into path, after the last '/' */
    int oneshot;       /* 1: run to completion before the next service */
    pid_t pid;         /* running process, or 0 */
    int respawns;      /* restarts done so far (daemons only) */
    long long due_ms;  /* when a pending restart is due, or 0 for none */
};

static struct service services[MAX_SERVICES];
static size_t n_services;
static size_t next_service;     /* index of the next service to start */
static pid_t oneshot_pid;       /* the one-shot being waited for, or 0 */
static int poweroff_when_done;  /* kiln.poweroff_when_done=1 was given */
static sigset_t init_sigmask;   /* signal mask to restore in children */

/* ---- small helpers ------------------------------------------------------ */

/* Writes all of buf to fd 1 (the console), giving up on errors. */
static void put(const char *buf, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(STDOUT_FILENO, buf + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
}

/* Prints one "KILN-INIT: ..." line straight to fd 1 (no stdio buffering that
 * a fork could duplicate). */
static void say(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n = snprintf(buf, sizeof buf, "KILN-INIT: ");
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = strlen(buf);
    if (len < sizeof buf - 1) {
        buf[len++] = '\n';
    } else {
        buf[sizeof buf - 2] = '\n';
        len = sizeof buf - 1;
    }
    put(buf, len);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read up to size-1 bytes of a small file into buf; returns bytes read or -1. */
static ssize_t read_small_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t got = 0;
    while (got < size - 1) {
        ssize_t r = read(fd, buf + got, size - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    return (ssize_t)got;
}

/* ---- early setup ---------------------------------------------------------- */

/* Is something mounted exactly at `dir`? Looks it up in /proc/self/mounts. */
static int is_mounted(const char *dir)
{
    FILE *f = fopen("/proc/self/mounts", "re");
    if (!f)
        return 0;
    char line[1024];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        /* format: device mountpoint fstype options ... */
        char *sp = strchr(line, ' ');
        if (!sp)
            continue;
        char *mp = sp + 1;
        char *end = strchr(mp, ' ');
        if (!end)
            continue;
        *end = '\0';
        found = strcmp(mp, dir) == 0;
    }
    fclose(f);
    return found;
}

static void mount_if_needed(const char *source, const char *dir, const char *type,
                            unsigned long flags, const char *data)
{
    if (is_mounted(dir))
        return;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        say("cannot create %s: %s", dir, strerror(errno));
    if (mount(source, dir, type, flags, data) < 0)
        say("cannot mount %s on %s: %s", type, dir, strerror(errno));
}

static void mount_filesystems(void)
{
    /* /proc first, judged by /proc/self: is_mounted() reads /proc itself. */
    struct stat st;
    if (stat("/proc/self", &st) < 0)
        mount_if_needed("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_if_needed("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_if_needed("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
    mount_if_needed("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
    mount_if_needed("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
}

/* The kernel gives init /dev/console as fds 0-2 only if the node existed in
 * the root file system; otherwise open it now that devtmpfs is mounted. */
static void ensure_console(void)
{
    if (fcntl(STDOUT_FILENO, F_GETFD) >= 0 && fcntl(STDERR_FILENO, F_GETFD) >= 0)
        return;
    int fd = open("/dev/console", O_RDWR | O_NOCTTY);
    if (fd < 0)
        fd = open("/dev/null", O_RDWR);
    if (fd < 0)
        return;
    for (int i = 0; i < 3; i++)
        if (fcntl(i, F_GETFD) < 0)
            dup2(fd, i);
    if (fd > 2)
        close(fd);
}

static void set_hostname(void)
{
    char name[256];
    if (read_small_file("/etc/hostname", name, sizeof name) <= 0)
        return;
    name[strcspn(name, " \t\r\n")] = '\0';
    if (name[0] && sethostname(name, strlen(name)) < 0)
        say("cannot set hostname '%s': %s", name, strerror(errno));
}

/* Looks for the exact word "kiln.poweroff_when_done=1" in /proc/cmdline. */
static void read_cmdline(void)
{
    char buf[4096];
    if (read_small_file("/proc/cmdline", buf, sizeof buf) <= 0)
        return;
    for (char *tok = strtok(buf, " \t\n"); tok; tok = strtok(NULL, " \t\n"))
        if (strcmp(tok, "kiln.poweroff_when_done=1") == 0)
            poweroff_when_done = 1;
}

/* Creates /run/kiln/control and opens it for reading. init also keeps a write
 * end open so the FIFO never reports end-of-file when a writer closes. */
static int open_control(void)
{
    if (mkdir(CONTROL_DIR, 0755) < 0 && errno != EEXIST)
        return -1;
    if (mkfifo(CONTROL_FIFO, 0620) < 0 && errno != EEXIST) {
        say("cannot create %s: %s", CONTROL_FIFO, strerror(errno));
        return -1;
    }
    int rfd = open(CONTROL_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (rfd < 0)
        return -1;
    if (open(CONTROL_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC) < 0) /* kept open on purpose */
        say("cannot hold %s open: %s", CONTROL_FIFO, strerror(errno));
    return rfd;
}

/* ---- services ------------------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* The target of a symlink to an absolute path (malloc'd), or NULL. */
static char *link_target(const char *path)
{
    char target[512];
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n <= 0 || target[0] != '/')
        return NULL;
    target[n] = '\0';
    return strdup(target);
}

static void load_services(void)
{
    struct dirent **ents;
    int n = scandir(SERVICES_DIR, &ents, NULL, by_name);
    if (n < 0) {
        if (errno != ENOENT)
            say("cannot read %s: %s", SERVICES_DIR, strerror(errno));
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        char path[512];
        struct stat st;
        int len = snprintf(path, sizeof path, "%s/%s", SERVICES_DIR, name);
        if (name[0] != '.' && len > 0 && (size_t)len < sizeof path && stat(path, &st) == 0 &&
            S_ISREG(st.st_mode) && access(path, X_OK) == 0) {
            if (n_services < MAX_SERVICES) {
                struct service *s = &services[n_services++];
                s->path = strdup(path);
                if (!s->path) {
                    n_services--;
                } else {
                    s->name = s->path + strlen(SERVICES_DIR) + 1;
                    s->argv0 = link_target(path);
                    if (!s->argv0)
                        s->argv0 = s->path;
                    s->oneshot = ends_with(name, ONESHOT_SUFFIX);
                }
            } else {
                say("too many services, ignoring %s", name);
            }
        }
        free(ents[i]);
    }
    free(ents);
}

static pid_t spawn(struct service *s)
{
    pid_t pid = fork();
    if (pid < 0) {
        say("cannot fork for %s: %s", s->name, strerror(errno));
        return 0;
    }
    if (pid == 0) {
        /* child: default signal handling, own session, console inherited */
        sigprocmask(SIG_SETMASK, &init_sigmask, NULL);
        setsid();
        char *argv[] = {s->argv0, NULL};
        execv(s->path, argv);
        say("cannot run %s: %s", s->path, strerror(errno));
        _exit(127);
    }
    s->pid = pid;
    return pid;
}

/* Starts services in order until a one-shot is running or all are started. */
static void advance(void)
{
    while (!oneshot_pid && next_service < n_services) {
        struct service *s = &services[next_service++];
        pid_t pid = spawn(s);
        if (pid && s->oneshot)
            oneshot_pid = pid;
    }
}

static int all_done(void)
{
    return next_service >= n_services && !oneshot_pid;
}

/* Bookkeeping for one reaped child (it may not be a service at all). */
static void child_exited(pid_t pid, int status)
{
    for (size_t i = 0; i < n_services; i++) {
        struct service *s = &services[i];
        if (s->pid != pid)
            continue;
        s->pid = 0;
        if (WIFSIGNALED(status))
            say("%s killed by signal %d", s->name, WTERMSIG(status));
        else if (WEXITSTATUS(status) != 0)
            say("%s exited with status %d", s->name, WEXITSTATUS(status));
        if (pid == oneshot_pid) {
            oneshot_pid = 0;
        } else if (!s->oneshot) {
            if (s->respawns < RESPAWN_MAX) {
                s->respawns++;
                s->due_ms = now_ms() + RESPAWN_DELAY_MS;
            } else {
                say("%s exited too often, not restarting it", s->name);
            }
        }
        return;
    }
}

static void reap(void)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        child_exited(pid, status);
}

/* Restarts daemons whose delay has passed; returns ms until the next one is
 * due, or -1 if none is pending (a poll() timeout). */
static int respawn_due(void)
{
    long long now = now_ms(), next = -1;
    for (size_t i = 0; i < n_services; i++) {
        struct service *s = &services[i];
        if (!s->due_ms)
            continue;
        if (s->due_ms <= now) {
            s->due_ms = 0;
            say("restarting %s (%d/%d)", s->name, s->respawns, RESPAWN_MAX);
            spawn(s);
        } else if (next < 0 || s->due_ms - now < next) {
            next = s->due_ms - now;
        }
    }
    return (int)next;
}

/* ---- shutdown ------------------------------------------------------------- */

/* As PID 1, kill(-1, sig) reaches every process but init itself. Run as an
 * ordinary process (for testing), only our own services are signalled. */
static void signal_everyone(int sig)
{
    if (getpid() == 1) {
        kill(-1, sig);
        return;
    }
    for (size_t i = 0; i < n_services; i++)
        if (services[i].pid > 0)
            kill(services[i].pid, sig);
}

static void shutdown_now(int how) __attribute__((noreturn));
static void shutdown_now(int how)
{
    say(how == RB_POWER_OFF ? "powering off" : "rebooting");
    /* Ask everybody else to stop, wait up to GRACE_MS, then insist and wait a
     * little more (a process stuck in the kernel may never go away). */
    int sig = SIGTERM;
    for (int round = 0; round < 2; round++, sig = SIGKILL) {
        signal_everyone(sig);
        long long deadline = now_ms() + (round == 0 ? GRACE_MS : GRACE_MS / 4);
        pid_t pid;
        while ((pid = waitpid(-1, NULL, WNOHANG)) >= 0 && now_ms() < deadline) {
            if (pid == 0) {
                struct timespec ts = {0, 20 * 1000 * 1000};
                nanosleep(&ts, NULL);
            }
        }
        if (pid < 0 && errno == ECHILD)
            break; /* nobody left */
    }
    sync();
    if (getpid() == 1) {
        reboot(how);
        say("reboot() failed: %s", strerror(errno));
        for (;;) /* PID 1 must never exit */
            pause();
    }
    exit(0); /* run as an ordinary process (testing): just leave */
}

/* Acts on one control request; returns 0 if it is not a known one. */
static int control_request(const char *req)
{
    if (strcmp(req, "poweroff") == 0)
        shutdown_now(RB_POWER_OFF);
    if (strcmp(req, "reboot") == 0)
        shutdown_now(RB_AUTOBOOT);
    return 0;
}

/* Reads what writers put into the control FIFO and acts on each line. What
 * is left once the FIFO is drained counts as a line too, so `echo -n poweroff`
 * works: writes this small reach a FIFO in one piece. */
static void handle_control(int fd)
{
    static char line[128];
    static size_t used;
    char buf[256];
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < r; i++) {
            char c = buf[i];
            if (c != '\n' && c != '\r') {
                if (used < sizeof line - 1)
                    line[used++] = c;
                continue;
            }
            line[used] = '\0';
            if (used && !control_request(line))
                say("unknown control request '%s'", line);
            used = 0;
        }
    }
    line[used] = '\0';
    if (used && !control_request(line))
        say("unknown control request '%s'", line);
    used = 0;
}

/* ---- main ------------------------------------------------------------------- */

int main(void)
{
    /* Handle our signals through a signalfd in the main loop. */
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGUSR2);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, &init_sigmask);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

    umask(022);
    setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
    setenv("HOME", "/", 0);
    setenv("TERM", "linux", 0);

    mount_filesystems();
    ensure_console();
    if (chdir("/") < 0)
        say("cannot chdir to /: %s", strerror(errno));
    set_hostname();
    read_cmdline();
    /* Ctrl-Alt-Del becomes SIGINT to init instead of an immediate reboot. */
    if (getpid() == 1)
        reboot(RB_DISABLE_CAD);

    struct utsname u;
    char host[65] = "?";
    if (gethostname(host, sizeof host) < 0)
        strcpy(host, "?");
    host[sizeof host - 1] = '\0';
    if (uname(&u) < 0)
        strcpy(u.release, "?");
    /* Start on a fresh line: firmware or the kernel may have left one open. */
    put("\n", 1);
    say("kiln example system on %s, Linux %s, pid %d", host, u.release, (int)getpid());

    int cfd = open_control();
    load_services();
    say("%zu service(s) in %s", n_services, SERVICES_DIR);
    advance();
    int announced_done = 0;

    for (;;) {
        if (all_done() && !announced_done) {
            announced_done = 1;
            if (poweroff_when_done)
                shutdown_now(RB_POWER_OFF);
        }
        struct pollfd fds[2] = {{sfd, POLLIN, 0}, {cfd, POLLIN, 0}};
        int timeout = respawn_due();
        if (sfd < 0 && (timeout < 0 || timeout > 500))
            timeout = 500; /* no signalfd: poll for children instead */
        int r = poll(fds, cfd >= 0 ? 2 : 1, timeout);
        if (r < 0 && errno != EINTR) {
            /* should not happen; avoid spinning */
            sleep(1);
            reap();
            continue;
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
                if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGUSR2)
                    shutdown_now(RB_POWER_OFF);
                if (si.ssi_signo == SIGINT)
                    shutdown_now(RB_AUTOBOOT);
            }
        }
        /* Reap on every wakeup: SIGCHLD signals coalesce. */
        reap();
        if (cfd >= 0 && (fds[1].revents & POLLIN))
            handle_control(cfd);
        advance();
    }
}
