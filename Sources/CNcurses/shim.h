#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H

/* SwiftPM drops pkg-config's -D_XOPEN_SOURCE=600, so the wide-character API must be enabled here
   (reference/tui.md P1-P2). */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncurses.h>

/* Macros Swift cannot import (casts and NCURSES_BITS), re-exported as functions. */
static inline attr_t cn_A_NORMAL(void)    { return A_NORMAL; }
static inline attr_t cn_A_BOLD(void)      { return A_BOLD; }
static inline attr_t cn_A_REVERSE(void)   { return A_REVERSE; }
static inline attr_t cn_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t cn_A_DIM(void)       { return A_DIM; }
static inline attr_t cn_A_ITALIC(void)    { return A_ITALIC; }
static inline int cn_KEY_F(int n)         { return KEY_F(n); }

/* C globals behind accessors, so Swift 6 never touches shared mutable state directly (P4, E15). */
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline WINDOW *cn_curscr(void) { return curscr; }
static inline int cn_colors(void)     { return COLORS; }
static inline int cn_color_pairs(void){ return COLOR_PAIRS; }

/* stdio streams for newterm: Glibc's stdout/stdin are mutable globals Swift 6 rejects. */
static inline FILE *cn_stdout(void) { return stdout; }
static inline FILE *cn_stdin(void)  { return stdin; }

/* The terminal's size as the kernel has it (TIOCGWINSZ is a macro ioctl Swift cannot call);
   -1 when it cannot be read. */
#include <sys/ioctl.h>
static inline int cn_terminal_size(int fd, int *rows, int *columns) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_row == 0 || size.ws_col == 0) return -1;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 0;
}

/* wcwidth is hidden by the Glibc module (C5). */
extern int wcwidth(wchar_t c);
static inline int cn_wcwidth(wchar_t c) { return wcwidth(c); }

static inline const char *cn_codeset(void) { return nl_langinfo(CODESET); }

#endif
