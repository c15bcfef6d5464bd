# Link the heavy libraries (gRPC, Protocol Buffers, Abseil, OpenSSL, c-ares, re2, zlib, yaml,
# SQLite) from Debian's static archives instead of their shared objects.
#
# Why: a process linked against gRPC's 60 shared objects spends ~10 ms in the dynamic loader
# before main() and maps several MB it never uses; `dm-agent apply` must finish a no-op converge
# in under 20 ms within 15 MB. Static archives also make dm-agent run on a fresh host with none
# of the build's libraries installed: only glibc, libstdc++, spdlog and fmt stay shared (Debian
# ships no archives of the last two; libcurl is loaded on demand, see remote_file.cc).
#
# How: every imported library target whose location is a .so with an .a beside it is pointed at
# the .a. The targets keep their link interfaces, so dependencies stay in the right order.
function(dm_prefer_static_archives)
  get_directory_property(imported IMPORTED_TARGETS)
  foreach(target IN LISTS imported)
    get_target_property(type ${target} TYPE)
    # The archives of libcurl and libssh need a dozen more (kerberos, ldap...): they stay shared.
    if(NOT type MATCHES "SHARED_LIBRARY|UNKNOWN_LIBRARY" OR target MATCHES "^CURL::|^ssh$")
      continue()
    endif()
    foreach(property IMPORTED_LOCATION IMPORTED_LOCATION_NONE IMPORTED_LOCATION_RELEASE
                     IMPORTED_LOCATION_RELWITHDEBINFO IMPORTED_LOCATION_DEBUG)
      get_target_property(location ${target} ${property})
      if(location AND location MATCHES "\\.so(\\.[0-9]+)*$")
        string(REGEX REPLACE "\\.so(\\.[0-9]+)*$" ".a" archive "${location}")
        if(EXISTS "${archive}")
          set_target_properties(${target} PROPERTIES ${property} "${archive}")
        endif()
      endif()
    endforeach()
  endforeach()
  # Static OpenSSL needs the dynamic loader library and threads from the final link.
  if(TARGET OpenSSL::Crypto)
    set_property(TARGET OpenSSL::Crypto APPEND PROPERTY INTERFACE_LINK_LIBRARIES ${CMAKE_DL_LIBS} Threads::Threads)
  endif()
endfunction()
