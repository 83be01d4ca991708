// Empty: the object libraries dg_pch_test and dg_pch_lib exist only to own the precompiled headers that every
// test binary and part library reuse (see DG_PCH in the top-level CMakeLists.txt).
