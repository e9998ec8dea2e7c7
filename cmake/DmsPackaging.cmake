# SPDX-License-Identifier: GPL-3.0-or-later
# install() rules and the Debian package (CPack DEB): scripts/build-package, docs/operations.md.
#
# What lands where (prefix /usr in the package):
#   /usr/bin/zone_tool, /usr/sbin/dmsd
#   /usr/sbin/dms_*                      symlinks to /usr/share/dms/sbin/dms_*: the DR programs
#                                        find lib/dr.sh next to the file the link resolves to,
#                                        and dr.sh finds ../../scripts/lib/pg.sh from there
#   /usr/share/dms/sbin/{dms_*,lib/}     the DR programs and their shared code
#   /usr/share/dms/scripts/lib/          pg.sh and common.sh, which dr.sh sources
#   /usr/share/dms/templates/, sql/      the shipped originals (the binaries embed sql/)
#   /etc/dms/dms.conf                    etc/dms.conf.sample: every option commented out,
#                                        so it starts with the defaults (conffile)
#   /etc/dms/{master-config,server-config,config}-templates/
#                                        templates/{master,server,config}: the directories the
#                                        defaults of core/src/config_options.cpp name (conffiles)
#   /etc/logrotate.d/dms                 /var/log/dms/*.log (conffile)
#   /lib/systemd/system/                 etc/systemd/*.service, *.timer
#   /usr/share/doc/dms/                  README.md, copyright, docs/*.md, examples/ (etc/*.sample,
#                                        cron.d)
# The maintainer scripts (cmake/debian/) create the user dmsd and its directories.

include(GNUInstallDirs)

set(_dms_etc /etc/dms)
set(_dms_share ${CMAKE_INSTALL_DATADIR}/dms)
set(_dms_doc ${CMAKE_INSTALL_DATADIR}/doc/dms)
set(_dms_units /lib/systemd/system)

install(TARGETS zone_tool RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS dmsd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})

# The DR programs, whatever sbin/dms_* exist (a new one is picked up at the next configure).
file(GLOB _dms_sbin_programs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/sbin/dms_*)
install(PROGRAMS ${_dms_sbin_programs} DESTINATION ${_dms_share}/sbin)
install(FILES ${CMAKE_SOURCE_DIR}/sbin/README.md DESTINATION ${_dms_share}/sbin)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/sbin/lib/ DESTINATION ${_dms_share}/sbin/lib)
install(FILES ${CMAKE_SOURCE_DIR}/scripts/lib/common.sh ${CMAKE_SOURCE_DIR}/scripts/lib/pg.sh
        DESTINATION ${_dms_share}/scripts/lib)
set(_dms_links ${CMAKE_BINARY_DIR}/package/sbin-links)
file(REMOVE_RECURSE ${_dms_links})
file(MAKE_DIRECTORY ${_dms_links})
foreach(program IN LISTS _dms_sbin_programs)
  get_filename_component(name ${program} NAME)
  file(CREATE_LINK ../share/dms/sbin/${name} ${_dms_links}/${name} SYMBOLIC)
  # install(FILES) copies a symbolic link as a link.
  install(FILES ${_dms_links}/${name} DESTINATION ${CMAKE_INSTALL_SBINDIR})
endforeach()

install(DIRECTORY ${CMAKE_SOURCE_DIR}/templates/ DESTINATION ${_dms_share}/templates)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/sql/ DESTINATION ${_dms_share}/sql)

# /etc: every file installed there is a conffile (dpkg keeps the operator's changes).
set(_dms_conffiles ${_dms_etc}/dms.conf /etc/logrotate.d/dms)
install(FILES ${CMAKE_SOURCE_DIR}/etc/dms.conf.sample DESTINATION ${_dms_etc} RENAME dms.conf)
install(FILES ${CMAKE_SOURCE_DIR}/etc/logrotate.d/dms DESTINATION /etc/logrotate.d)
foreach(pair master:master-config-templates server:server-config-templates
             config:config-templates)
  string(REPLACE ":" ";" pair ${pair})
  list(GET pair 0 from)
  list(GET pair 1 to)
  file(GLOB files LIST_DIRECTORIES false CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/templates/${from}/*)
  install(FILES ${files} DESTINATION ${_dms_etc}/${to})
  foreach(f IN LISTS files)
    get_filename_component(name ${f} NAME)
    list(APPEND _dms_conffiles ${_dms_etc}/${to}/${name})
  endforeach()
endforeach()

file(GLOB _dms_units_files CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/etc/systemd/*.service
     ${CMAKE_SOURCE_DIR}/etc/systemd/*.timer)
install(FILES ${_dms_units_files} DESTINATION ${_dms_units})

# docs/ keeps its name, so README.md's links (docs/zone_tool.md, ...) still lead somewhere.
file(GLOB _dms_docs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/cmake/debian/copyright
        DESTINATION ${_dms_doc})
install(FILES ${_dms_docs} DESTINATION ${_dms_doc}/docs)
file(GLOB _dms_samples CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/etc/*.sample)
install(FILES ${_dms_samples} DESTINATION ${_dms_doc}/examples)
install(FILES ${CMAKE_SOURCE_DIR}/etc/cron.d/dms DESTINATION ${_dms_doc}/examples
        RENAME cron.d-dms)

# The Debian package. Maintainer scripts and the conffiles list go in its control area.
set(_dms_control ${CMAKE_BINARY_DIR}/package/control)
file(MAKE_DIRECTORY ${_dms_control})
list(JOIN _dms_conffiles "\n" _dms_conffiles_text)
file(WRITE ${_dms_control}/conffiles "${_dms_conffiles_text}\n")
foreach(script postinst prerm postrm)
  file(COPY ${CMAKE_SOURCE_DIR}/cmake/debian/${script} DESTINATION ${_dms_control}
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                        WORLD_READ WORLD_EXECUTE)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME dms)
set(CPACK_PACKAGE_VENDOR "dms")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "DNS Management System: zones in PostgreSQL, BIND9 master")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER
    "Seed 89c45e74 maintainers <maintainers@users.noreply.b-seed-89c45e74.example>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The summary is the control file's first Description line; this is the rest.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "dms keeps hundreds to tens of thousands of DNS zones in PostgreSQL and publishes
them through a hidden-master BIND9 to many slave servers. zone_tool is the
operator's shell; dmsd, the daemon, writes the master's zone files and includes,
sends dynamic updates, and configures the slaves by rsync and rndc. The DR
programs (dms_promote_replica and friends) move the master to a replica site.")
# Libraries: from the binaries (dpkg-shlibdeps) when it is there; the programs dms runs
# are listed by hand: adduser (postinst), rndc and named-checkzone (bind9-utils), dig
# (bind9-dnsutils, the DR programs), rsync, psql and pg_dump (postgresql-client), and
# bind9, the master named dmsd drives.
find_program(DMS_DPKG_SHLIBDEPS dpkg-shlibdeps)
set(_dms_depends "adduser, bind9, bind9-utils, bind9-dnsutils, rsync, postgresql-client")
if(DMS_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  # What readelf -d lists as NEEDED by zone_tool and dmsd on Debian 12.
  string(PREPEND _dms_depends
         "libc6, libstdc++6, libgcc-s1, libpqxx-6.4, libldns3, libfmt9, libssl3, libedit2, "
         "libboost-json1.81.0, libboost-program-options1.81.0, ")
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_dms_depends}")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql-15")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_dms_control}/conffiles ${_dms_control}/postinst ${_dms_control}/prerm
    ${_dms_control}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
