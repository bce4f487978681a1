# What `cmake --install` puts where, besides the programs (each program's
# CMakeLists.txt installs it to sbin) and the systemd units
# (systemd/CMakeLists.txt):
#
#   share/man/man5, man8                  the man pages, gzip -9n compressed
#                                         (Debian policy 12.1; lintian
#                                         rejects uncompressed ones)
#   /etc/autoresponder-milter/            the commented example config as
#     autoresponder-milter.conf           the live config (PREFIX/etc when
#                                         PREFIX is not /usr or /)
#   share/doc/autoresponder-milter/       MTA snippets (and sequence examples
#     examples/                           once conf/sequences exists)
#
# Included from the top-level CMakeLists.txt after GNUInstallDirs.

# --- man pages ---
find_program(AR_GZIP gzip REQUIRED)
file(GLOB AR_MAN_PAGES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/man/*.[1-8])
set(AR_COMPRESSED_MAN_PAGES "")
foreach(page IN LISTS AR_MAN_PAGES)
  get_filename_component(name ${page} NAME)
  string(REGEX REPLACE ".*\\.([1-8])$" "\\1" section ${name})
  set(compressed ${CMAKE_BINARY_DIR}/man/${name}.gz)
  # -n: no name or time stamp in the header, so the package is reproducible.
  add_custom_command(OUTPUT ${compressed}
                     COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
                     COMMAND ${AR_GZIP} -9n -c ${page} > ${compressed}
                     DEPENDS ${page}
                     COMMENT "Compressing man page ${name}"
                     VERBATIM)
  list(APPEND AR_COMPRESSED_MAN_PAGES ${compressed})
  install(FILES ${compressed} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(man-pages ALL DEPENDS ${AR_COMPRESSED_MAN_PAGES})

# --- the configuration file ---
# The directory is chosen at install time, not at configure time, so that
# `cmake --install build --prefix /usr` and CPack (which installs with the
# prefix /usr) both use /etc, as GNUInstallDirs does for /usr and / .
set(AR_CONFIG_SOURCE ${CMAKE_SOURCE_DIR}/conf/autoresponder-milter.conf)
install(CODE "
  if(CMAKE_INSTALL_PREFIX MATCHES \"^/(usr/?)?$\")
    set(ar_confdir \"/etc/autoresponder-milter\")
  else()
    set(ar_confdir \"\${CMAKE_INSTALL_PREFIX}/etc/autoresponder-milter\")
  endif()
  # file(INSTALL) prepends DESTDIR itself (CPack stages through it).
  file(INSTALL DESTINATION \"\${ar_confdir}\" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES \"${AR_CONFIG_SOURCE}\")
")

# --- documentation and examples ---
install(FILES
          ${CMAKE_SOURCE_DIR}/conf/postfix-main.cf.example
          ${CMAKE_SOURCE_DIR}/conf/postfix-master.cf.example
          ${CMAKE_SOURCE_DIR}/conf/sendmail.mc.example
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
if(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/conf/sequences)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/conf/sequences
          DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
endif()
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- bash completion for autoresponder-ctl ---
# Where bash-completion looks for completions loaded on demand.
install(FILES ${CMAKE_SOURCE_DIR}/completion/autoresponder-ctl
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
