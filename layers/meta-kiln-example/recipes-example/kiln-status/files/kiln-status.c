/*
 * kiln-status: prints facts about the running system on one line, e.g.
 *   KILN-STATUS: host=kiln kernel=6.1.0-50-cloud-amd64 arch=x86_64 uptime=2.91 procs=42 mem_total_kib=496132
 * Facts it cannot learn are printed as "?" (procs/uptime/memory need /proc).
 * Exit status is 0 when the line was written, 1 otherwise.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

/* Seconds since boot as printed by the kernel ("123.45"), or "?". */
static void read_uptime(char *out, size_t size)
{
    snprintf(out, size, "?");
    FILE *f = fopen("/proc/uptime", "r");
    if (!f)
        return;
    char first[32];
    if (fscanf(f, "%31s", first) == 1)
        snprintf(out, size, "%s", first);
    fclose(f);
}

/* Number of processes: the all-digit directory names in /proc; -1 if unknown. */
static long count_processes(void)
{
    DIR *d = opendir("/proc");
    if (!d)
        return -1;
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *p = e->d_name;
        while (isdigit((unsigned char)*p))
            p++;
        if (*p == '\0' && p != e->d_name)
            n++;
    }
    closedir(d);
    return n;
}

/* MemTotal from /proc/meminfo in KiB, or -1. */
static long mem_total_kib(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return -1;
    char line[128];
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemTotal: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

int main(void)
{
    struct utsname u;
    if (uname(&u) != 0) {
        strcpy(u.nodename, "?");
        strcpy(u.release, "?");
        strcpy(u.machine, "?");
    }
    char uptime[32];
    read_uptime(uptime, sizeof uptime);
    long procs = count_processes();
    long mem = mem_total_kib();

    char procs_s[24] = "?", mem_s[24] = "?";
    if (procs >= 0)
        snprintf(procs_s, sizeof procs_s, "%ld", procs);
    if (mem >= 0)
        snprintf(mem_s, sizeof mem_s, "%ld", mem);

    int n = printf("KILN-STATUS: host=%s kernel=%s arch=%s uptime=%s procs=%s mem_total_kib=%s\n",
                   u.nodename, u.release, u.machine, uptime, procs_s, mem_s);
    return (n < 0 || fflush(stdout) != 0) ? 1 : 0;
}
