/* uscc.h — the unified social credit code of a Chinese organisation (GB 32100-2015). */
#ifndef USCC_H
#define USCC_H

/* 1 when code is 18 characters of the GB 32100 alphabet with a correct check character. */
int uscc_valid(const char *code);
/* The check character for the first 17 characters, or 0 if they are not of the alphabet. */
char uscc_check_char(const char *first17);

#endif
