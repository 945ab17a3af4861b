# For recipes that make no packages and share no sysroot (images).
deltask do_package
deltask do_packagedata
deltask do_package_write_ipk
deltask do_package_write_deb
deltask do_populate_sysroot
