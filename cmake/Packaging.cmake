# Install rules for everything besides the binaries (examples, docs, desktop integration, man pages,
# shell completions) and the CPack configuration:
#   Linux   DEB (runtime Depends from dpkg-shlibdeps) and TGZ      `make package`
#   Windows NSIS installer and ZIP, Qt deployed by windeployqt
#   macOS   DMG (DragNDrop) with the .app bundle deployed by macdeployqt
# The binaries install themselves (app/cli, app/studio), and so does the Python module (python/:
# usr/lib/python3/dist-packages/sciagents in the .deb). tests/package checks the .deb.
include(GNUInstallDirs)

set(_linux ${PROJECT_SOURCE_DIR}/installers/linux)
set(SCIAGENTS_APP_ID org.sciagents.Studio)   # AppStream component id
set(SCIAGENTS_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/sciagents)

# Examples: Studio's File > Examples reads share/sciagents/examples (app/studio installs them when
# Studio is built; without Studio the CLI package still ships them).
if(NOT TARGET sciagents-studio)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/sciagents/examples
          USE_SOURCE_PERMISSIONS FILES_MATCHING PATTERN "*.workflow.json"
          REGEX "/external/[^/]*\\.(py|tpl)$")  # the external examples' program
endif()

# Documentation. Debian expects the licence as share/doc/PACKAGE/copyright.
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${SCIAGENTS_DOC_DIR})
if(UNIX AND NOT APPLE)
  install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${SCIAGENTS_DOC_DIR} RENAME copyright)
else()
  install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${SCIAGENTS_DOC_DIR})
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${SCIAGENTS_DOC_DIR}/docs
        PATTERN "development.md" EXCLUDE)

if(UNIX AND NOT APPLE)
  # Desktop integration (freedesktop: menu entry, hicolor icons, AppStream).
  if(TARGET sciagents-studio)
    install(FILES ${_linux}/sciagents-studio.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
    install(FILES ${_linux}/${SCIAGENTS_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
    foreach(size 16 22 24 32 48 64 128 256 512)
      install(FILES ${_linux}/icons/hicolor/${size}x${size}/apps/sciagents-studio.png
              DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
    endforeach()
    install(FILES ${_linux}/icons/sciagents-studio.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
  endif()

  # Shell completions, in the directories bash-completion, zsh and fish load from on their own.
  install(FILES ${_linux}/completions/sciagents.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          RENAME sciagents)
  install(FILES ${_linux}/completions/_sciagents DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
  install(FILES ${_linux}/completions/sciagents.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
  if(TARGET sciagents-studio)
    install(FILES ${_linux}/completions/sciagents.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
            RENAME sciagents-studio)
    install(FILES ${_linux}/completions/sciagents-studio.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
  endif()

endif()

# Man pages generated from each program's --help (cmake/GenerateManPage.cmake), gzipped. Not in
# sanitizer builds, which are not packaged.
if(UNIX AND NOT APPLE AND SCIAGENTS_SANITIZE STREQUAL "")
  find_program(SCIAGENTS_GZIP gzip)
  set(_man_dir ${CMAKE_BINARY_DIR}/man)
  set(_man_ext .1)
  if(SCIAGENTS_GZIP)
    set(_man_ext .1.gz)
  endif()
  set(_man_common -DVERSION=${PROJECT_VERSION} -DDATE=${SCIAGENTS_BUILD_DATE} -DGZIP=${SCIAGENTS_GZIP})
  add_custom_command(OUTPUT ${_man_dir}/sciagents${_man_ext}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_man_dir}
    COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:sciagents> -DNAME=sciagents
            "-DSUMMARY=run scientific computing workflows from the command line"
            -DCOMMANDS=agents,validate,run,serve,submit,health "-DSEE_ALSO=sciagents-studio(1)"
            ${_man_common} -DOUT=${_man_dir}/sciagents.1 -P ${PROJECT_SOURCE_DIR}/cmake/GenerateManPage.cmake
    DEPENDS sciagents ${PROJECT_SOURCE_DIR}/cmake/GenerateManPage.cmake
    COMMENT "Man page sciagents(1) from sciagents --help" VERBATIM)
  set(_man_pages ${_man_dir}/sciagents${_man_ext})
  if(TARGET sciagents-studio)
    add_custom_command(OUTPUT ${_man_dir}/sciagents-studio${_man_ext}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${_man_dir}
      COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:sciagents-studio> -DNAME=sciagents-studio
              "-DSUMMARY=desktop workbench for scientific computing workflows" -DENV=QT_QPA_PLATFORM=offscreen
              "-DSEE_ALSO=sciagents(1)" ${_man_common} -DOUT=${_man_dir}/sciagents-studio.1
              -P ${PROJECT_SOURCE_DIR}/cmake/GenerateManPage.cmake
      DEPENDS sciagents-studio ${PROJECT_SOURCE_DIR}/cmake/GenerateManPage.cmake
      COMMENT "Man page sciagents-studio(1) from sciagents-studio --help" VERBATIM)
    list(APPEND _man_pages ${_man_dir}/sciagents-studio${_man_ext})
  endif()
  add_custom_target(sciagents_man_pages ALL DEPENDS ${_man_pages})
  install(FILES ${_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# Windows: Qt DLLs and plugins next to Studio (windeployqt), other DLLs (vcpkg) by CMake's
# runtime-dependency scan of both executables.
if(WIN32)
  set(_deployed sciagents)
  if(TARGET sciagents-studio)
    list(APPEND _deployed sciagents-studio)
  endif()
  install(TARGETS ${_deployed} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
          RUNTIME_DEPENDENCY_SET sciagents_runtime_deps)
  # vcpkg (manifest mode) puts the DLLs of vcpkg.json's ports in VCPKG_INSTALLED_DIR/TRIPLET/bin.
  install(RUNTIME_DEPENDENCY_SET sciagents_runtime_deps DESTINATION ${CMAKE_INSTALL_BINDIR}
    PRE_EXCLUDE_REGEXES "api-ms-.*" "ext-ms-.*" "[Qq]t6.*"
    POST_EXCLUDE_REGEXES ".*[Ss]ystem32/.*\\.dll"
    DIRECTORIES "${VCPKG_INSTALLED_DIR}/${VCPKG_TARGET_TRIPLET}/bin" $ENV{PATH})
  if(TARGET sciagents-studio)
    find_program(SCIAGENTS_WINDEPLOYQT windeployqt HINTS "${QT6_INSTALL_PREFIX}/bin" "${Qt6_DIR}/../../../bin")
    if(NOT SCIAGENTS_WINDEPLOYQT)
      message(FATAL_ERROR "windeployqt not found: needed to package Studio on Windows")
    endif()
    install(CODE "execute_process(COMMAND \"${SCIAGENTS_WINDEPLOYQT}\" --release --no-translations
                    --no-compiler-runtime \"\${CMAKE_INSTALL_PREFIX}/bin/sciagents-studio.exe\"
                  COMMAND_ERROR_IS_FATAL ANY)")
  endif()
endif()

# macOS: Studio as an app bundle with our Info.plist and icon, Qt frameworks deployed by macdeployqt.
if(APPLE AND TARGET sciagents-studio)
  set(_icns ${CMAKE_BINARY_DIR}/macos/sciagents-studio.icns)
  find_program(SCIAGENTS_ICONUTIL iconutil)
  if(SCIAGENTS_ICONUTIL)
    set(_iconset ${CMAKE_BINARY_DIR}/macos/sciagents-studio.iconset)
    set(_iconset_cmds)
    foreach(size 16 32 128 256 512)
      math(EXPR size2 "${size} * 2")
      list(APPEND _iconset_cmds
        COMMAND ${CMAKE_COMMAND} -E copy ${_linux}/icons/hicolor/${size}x${size}/apps/sciagents-studio.png
                ${_iconset}/icon_${size}x${size}.png)
      if(size2 LESS_EQUAL 512)
        list(APPEND _iconset_cmds
          COMMAND ${CMAKE_COMMAND} -E copy ${_linux}/icons/hicolor/${size2}x${size2}/apps/sciagents-studio.png
                  ${_iconset}/icon_${size}x${size}@2x.png)
      endif()
    endforeach()
    add_custom_command(OUTPUT ${_icns}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${_iconset} ${_iconset_cmds}
      COMMAND ${SCIAGENTS_ICONUTIL} -c icns -o ${_icns} ${_iconset}
      DEPENDS ${_linux}/icons/sciagents-studio.svg
      COMMENT "macOS icon from the hicolor PNGs" VERBATIM)
    target_sources(sciagents-studio PRIVATE ${_icns})
    set_source_files_properties(${_icns} PROPERTIES MACOSX_PACKAGE_LOCATION Resources)
  endif()
  set_target_properties(sciagents-studio PROPERTIES
    MACOSX_BUNDLE ON
    MACOSX_BUNDLE_GUI_IDENTIFIER ${SCIAGENTS_APP_ID}
    MACOSX_BUNDLE_INFO_PLIST ${PROJECT_SOURCE_DIR}/installers/macos/Info.plist.in
    MACOSX_BUNDLE_BUNDLE_NAME "SciAgents Studio"
    MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
    MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION}
    MACOSX_BUNDLE_ICON_FILE sciagents-studio.icns)
  find_program(SCIAGENTS_MACDEPLOYQT macdeployqt HINTS "${QT6_INSTALL_PREFIX}/bin" "${Qt6_DIR}/../../../bin")
  if(NOT SCIAGENTS_MACDEPLOYQT)
    message(FATAL_ERROR "macdeployqt not found: needed to package Studio on macOS")
  endif()
  install(CODE "execute_process(COMMAND \"${SCIAGENTS_MACDEPLOYQT}\"
                  \"\${CMAKE_INSTALL_PREFIX}/sciagents-studio.app\" -always-overwrite
                COMMAND_ERROR_IS_FATAL ANY)")
endif()

# ---------------------------------------------------------------------------------------------
# CPack
set(CPACK_PACKAGE_NAME sciagents)
set(CPACK_PACKAGE_VENDOR "The SciAgents developers")
set(CPACK_PACKAGE_CONTACT "The SciAgents developers <sciagents@users.noreply.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Scientific computing workbench: workflows of solver agents (CLI, server, Studio)")
set(CPACK_PACKAGE_DESCRIPTION
  "SciAgents builds workflows out of computational agents (linear algebra, ODE/PDE solvers,\n"
  "optimization, integration, special functions, uncertainty quantification, surrogates) and runs\n"
  "them from the command line, a headless HTTP server, a Slurm cluster or the Studio desktop app.\n"
  "Every result carries its diagnostics.")
string(JOIN "" CPACK_PACKAGE_DESCRIPTION ${CPACK_PACKAGE_DESCRIPTION})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_INSTALL_DIRECTORY "SciAgents")
set(CPACK_PACKAGE_EXECUTABLES "sciagents-studio;SciAgents Studio")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_SOURCE_IGNORE_FILES "/build.*/" "/\\\\.git/")

if(WIN32)
  set(CPACK_GENERATOR NSIS ZIP)
  set(CPACK_NSIS_DISPLAY_NAME "SciAgents ${PROJECT_VERSION}")
  set(CPACK_NSIS_MUI_ICON ${_linux}/icons/sciagents-studio.ico)
  set(CPACK_NSIS_MUI_UNIICON ${_linux}/icons/sciagents-studio.ico)
  set(CPACK_NSIS_INSTALLED_ICON_NAME bin/sciagents-studio.exe)
  set(CPACK_NSIS_MODIFY_PATH ON)   # offers to add bin/ (sciagents.exe) to PATH
  set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
elseif(APPLE)
  set(CPACK_GENERATOR DragNDrop TGZ)
  set(CPACK_DMG_VOLUME_NAME "SciAgents ${PROJECT_VERSION}")
  set(CPACK_DMG_FORMAT UDZO)
else()
  set(CPACK_GENERATOR DEB TGZ)
  # DEB installs under /usr (CPack's default); the TGZ is relocatable (bin/, share/ at its top).
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # sciagents_0.1.0_amd64.deb
  set(CPACK_DEBIAN_PACKAGE_SECTION science)
  set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
  # Depends from the libraries the binaries link (dpkg-shlibdeps), plus what no ELF header shows:
  # Studio needs Qt's platform plugins (xcb/wayland) to open a window.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(_deb_depends)
  if(TARGET sciagents-studio)
    list(APPEND _deb_depends "qt6-qpa-plugins")
  endif()
  # The Python module (python/CMakeLists.txt) installs into /usr/lib/python3/dist-packages; its
  # extension is built for this Python's ABI (_sciagents.cpython-3XY-...so), so the package holds
  # to that minor version, and the module imports NumPy.
  if(TARGET sciagents_python)
    math(EXPR _py_next "${Python3_VERSION_MINOR} + 1")
    list(APPEND _deb_depends "python3 (>= ${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR})"
         "python3 (<< ${Python3_VERSION_MAJOR}.${_py_next})" "python3-numpy")
    # Byte code: compiled at install, removed before removal (as dh_python3 does), so that dpkg -r
    # leaves no __pycache__ behind.
    set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${_linux}/deb/postinst;${_linux}/deb/prerm")
  endif()
  list(JOIN _deb_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
  # TLS to https:// servers verifies against the system trust store.
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "slurm-client")
  set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
endif()
include(CPack)
