# Building with CMake (out of tree in ${B}), cross-compiling with the toolchain's variables.
B = "${WORKDIR}/build"
EXTRA_OECMAKE ?= ""
OECMAKE_SOURCEPATH ?= "${S}"
# Cross-compiling (TARGET_PREFIX set): find_library/find_path/find_package look in the recipe
# sysroot only, never at the build machine's libraries; programs are the build machine's.
OECMAKE_FIND_ROOT_PATH_MODES ?= "${@'-DCMAKE_FIND_ROOT_PATH_MODE_PROGRAM=NEVER -DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY -DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY -DCMAKE_FIND_ROOT_PATH_MODE_PACKAGE=ONLY' if d.getVar('TARGET_PREFIX') else ''}"

cmake_do_configure () {
    cmake -S ${OECMAKE_SOURCEPATH} -B ${B} -DCMAKE_INSTALL_PREFIX=${prefix} \
        -DCMAKE_C_COMPILER="$(echo ${CC} | cut -d' ' -f1)" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=${TARGET_ARCH} \
        -DCMAKE_FIND_ROOT_PATH=${RECIPE_SYSROOT} ${OECMAKE_FIND_ROOT_PATH_MODES} ${EXTRA_OECMAKE}
}
cmake_do_compile () {
    cmake --build ${B} ${PARALLEL_MAKE}
}
cmake_do_install () {
    DESTDIR=${D} cmake --install ${B}
}
do_configure[cleandirs] = "${B}"
EXPORT_FUNCTIONS do_configure do_compile do_install
