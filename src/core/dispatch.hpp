#pragma once
/// \file Run-time dispatch for the few kernels that gain from wider vectors than the portable
/// build (x86-64-v2) has: `TELEMINE_AVX2_CLONE` before a function makes GCC/Clang compile it
/// twice, for AVX2 and for the build's own target, and pick one when the program is loaded
/// (an ifunc, so a call costs what a call through a pointer does). Empty where it is not
/// needed (a -march=native build with AVX2, non-x86 targets) or not wanted
/// (-DTELEMINE_NO_DISPATCH, to measure the portable code alone), and with clang (the fuzz
/// build), which refuses an AVX2 clone calling the kernels' small vector helpers across
/// targets (a vector argument "changes the ABI"). The clones give the same
/// results: -std=c++20 (not gnu++) keeps -ffp-contract=off, so AVX2's FMA is never used.

#if defined(__x86_64__) && !defined(__AVX2__) && !defined(TELEMINE_NO_DISPATCH) && !defined(__clang__)
#define TELEMINE_AVX2_CLONE __attribute__((target_clones("avx2", "default")))
#else
#define TELEMINE_AVX2_CLONE
#endif
