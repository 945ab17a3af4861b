/* The example's greeting service: prints its greeting (set by the recipe) and exits. */
#include <stdio.h>

#ifndef GREETING
#define GREETING "hello"
#endif

int main(void)
{
    puts(GREETING);
    return 0;
}
