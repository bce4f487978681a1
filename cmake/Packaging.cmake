# The Debian package, built with `cpack -G DEB` in a build directory:
#
#   autoresponder-milter_VERSION_ARCH.deb
#     usr/sbin/*                      the three programs (stripped)
#     usr/share/man/man5, man8        man pages (see cmake/Install.cmake)
#     etc/autoresponder-milter/...    the config, a conffile
#     usr/share/doc/autoresponder-milter/
#       copyright, changelog.gz       required by Debian policy 12.5 / 12.7
#       examples/                     Postfix and Sendmail snippets
#     whatever systemd/CMakeLists.txt installs (units, sysusers, tmpfiles)
#
# Depends are computed from the binaries by dpkg-shlibdeps. The maintainer
# scripts (cmake/debian/) create the system user, apply tmpfiles.d, reload
# systemd and never enable or start a service: the administrator does that
# after writing the config. tests/packaging builds the package and runs
# lintian on it.
#
# Included from the top-level CMakeLists.txt after cmake/Install.cmake.

set(AR_DEBIAN_DIR ${CMAKE_CURRENT_LIST_DIR}/debian)
set(AR_DEBIAN_BUILD_DIR ${CMAKE_BINARY_DIR}/debian)

# --- changelog and copyright (installed by plain `cmake --install` too) ---
# The changelog's newest entry must name the project's version: a package
# whose changelog disagrees with its version is a broken package.
file(STRINGS ${AR_DEBIAN_DIR}/changelog AR_CHANGELOG_HEAD LIMIT_COUNT 1)
if(NOT AR_CHANGELOG_HEAD MATCHES "^autoresponder-milter \\(${PROJECT_VERSION}\\) ")
  message(FATAL_ERROR "cmake/debian/changelog starts with \"${AR_CHANGELOG_HEAD}\"; "
                      "its newest entry must be version ${PROJECT_VERSION} (project())")
endif()
set(AR_CHANGELOG_GZ ${AR_DEBIAN_BUILD_DIR}/changelog.gz)
add_custom_command(OUTPUT ${AR_CHANGELOG_GZ}
                   COMMAND ${CMAKE_COMMAND} -E make_directory ${AR_DEBIAN_BUILD_DIR}
                   COMMAND ${AR_GZIP} -9n -c ${AR_DEBIAN_DIR}/changelog > ${AR_CHANGELOG_GZ}
                   DEPENDS ${AR_DEBIAN_DIR}/changelog
                   VERBATIM)
add_custom_target(debian-changelog ALL DEPENDS ${AR_CHANGELOG_GZ})
install(FILES ${AR_CHANGELOG_GZ} ${AR_DEBIAN_DIR}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- CPack ---
set(AR_PACKAGE_MAINTAINER "autoresponder-milter maintainers <maintainers@autoresponder-milter.example>"
    CACHE STRING "Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME autoresponder-milter)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${AR_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "out-of-office replies for Postfix and Sendmail (milter)")
set(CPACK_PACKAGE_DESCRIPTION
    "autoresponder-milter is a mail filter (milter) for Postfix and Sendmail\n"
    "that sends automatic replies for the mail flowing through the server.\n"
    "A person who is away gets out-of-office replies sent on their behalf:\n"
    "one per sender and period, and never to mailing lists, robots, bounces\n"
    "or spam (RFC 3834, RFC 5230).\n"
    "\n"
    "The milter only decides and records in an LMDB store. The\n"
    "autoresponder-dispatcher sends the replies through sendmail(1) or SMTP,\n"
    "autoresponder-ctl manages the rules, and autoresponder-web lets users\n"
    "set their own reply. No service is enabled on\n"
    "installation.")
# (No semicolons above: CMake would read them as list separators.)
string(JOIN "" CPACK_PACKAGE_DESCRIPTION ${CPACK_PACKAGE_DESCRIPTION})
# Absolute destinations (/etc, systemd's unit directory) must land in the
# package, not on the build machine: install into a DESTDIR staging tree.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${AR_PACKAGE_MAINTAINER})
# The control file's Description: CPack puts the summary first and indents
# the rest (blank lines become " .").
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# adduser: postinst creates the system user with it when systemd-sysusers
# has no entry for it.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
# The dispatcher's default transport runs /usr/sbin/sendmail.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "default-mta | mail-transport-agent")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "lmdb-utils")

configure_file(${AR_DEBIAN_DIR}/conffiles.cmake.in
               ${AR_DEBIAN_BUILD_DIR}/conffiles.cmake @ONLY)
foreach(script postinst prerm postrm)
  file(COPY ${AR_DEBIAN_DIR}/${script} DESTINATION ${AR_DEBIAN_BUILD_DIR}
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                        WORLD_READ WORLD_EXECUTE)
endforeach()
# conffiles is written after CPack's staging install (CPACK_PRE_BUILD_SCRIPTS),
# from every file that landed under /etc, whoever installed it.
set(CPACK_PRE_BUILD_SCRIPTS ${AR_DEBIAN_BUILD_DIR}/conffiles.cmake)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${AR_DEBIAN_BUILD_DIR}/conffiles;${AR_DEBIAN_BUILD_DIR}/postinst;${AR_DEBIAN_BUILD_DIR}/prerm;${AR_DEBIAN_BUILD_DIR}/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

include(CPack)
