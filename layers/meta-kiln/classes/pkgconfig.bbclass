# pkg-config finds the .pc files of DEPENDS in the recipe sysroot (see bitbake.conf's
# PKG_CONFIG_* exports); the build machine's pkg-config program does the work.
