#!/usr/bin/env bash
# A program the size of bpftrace's tetris.bt (one interval probe of ~80k
# instructions: unrolled loops over a board in maps, `$n += @m[..] == 1`,
# nested if/else, line counting whose outcome later tests depend on, long
# printf sequences, a while loop) loads and runs. It is Conway's Life: a
# glider on a 10x10 board, four generations, checked against the same
# rules in awk. Before comparisons were computed without branches the
# verifier gave up on it at a million instructions.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cat >"$T/life.bt" <<'SCRIPT'
BEGIN {
  $i = 0;
  unroll(12) {
    $j = 0;
    unroll(12) {
      if ($i == 0 || $i == 11 || $j == 0 || $j == 11) { @B[$i * 12 + $j] = 7; } else { @B[$i * 12 + $j] = -1; }
      $j += 1;
    }
    $i += 1;
  }
  @B[1 * 12 + 2] = 1; @B[2 * 12 + 3] = 1; @B[3 * 12 + 1] = 1; @B[3 * 12 + 2] = 1; @B[3 * 12 + 3] = 1;
  @gen = 0;
}

interval:ms:20
{
  $i = 1;
  unroll(10) {
    $j = 1;
    unroll(10) {
      $p = $i * 12 + $j;
      $n = 0;
      $n += @B[$p - 13] == 1; $n += @B[$p - 12] == 1; $n += @B[$p - 11] == 1;
      $n += @B[$p - 1] == 1;                         $n += @B[$p + 1] == 1;
      $n += @B[$p + 11] == 1; $n += @B[$p + 12] == 1; $n += @B[$p + 13] == 1;
      if (@B[$p] == 1) {
        if ($n == 2 || $n == 3) { @N[$p] = 1; } else { @N[$p] = -1; }
      } else {
        if ($n == 3) { @N[$p] = 1; } else { @N[$p] = -1; }
      }
      $j += 1;
    }
    $i += 1;
  }
  // rows that are completely empty: counted like tetris counts full lines
  $k = 0; $l = 10; $i = 10;
  unroll(10) {
    $j = 10; $f = 0;
    unroll(10) {
      $f += @N[$i * 12 + $j] < 0;
      $j -= 1;
    }
    if ($f == 10) { $k += 1; } else { @R[$l] = $i; $l -= 1; }
    $i -= 1;
  }
  $i = 1;
  unroll(10) {
    $j = 1;
    unroll(10) {
      if ($k == $l) { @B[$i * 12 + $j] = @N[$i * 12 + $j]; } else { @B[$i * 12 + $j] = 2; }
      $j += 1;
    }
    $i += 1;
  }
  @gen += 1;
  printf("gen %d, %d empty rows\n", @gen, $k);
  $i = 0;
  unroll(12) {
    $j = 0;
    unroll(12) {
      $v = @B[$i * 12 + $j];
      if ($v == -1) { printf("."); }
      if ($v == 1) { printf("#"); }
      if ($v == 7) { printf("+"); }
      if ($v == 2) { printf("?"); }
      if ($v == 3) { printf("\033[41m?\033[m"); }
      if ($v == 4) { printf("\033[42m?\033[m"); }
      if ($v == 5) { printf("\033[43m?\033[m"); }
      if ($v == 6) { printf("\033[44m?\033[m"); }
      if ($v == 8) { printf("\033[45m?\033[m"); }
      if ($v == 9) { printf("\033[46m?\033[m"); }
      if ($v == 10) { printf("\033[47m?\033[m"); }
      if ($j == 11) { printf("\n"); }
      $j += 1;
    }
    $i += 1;
  }
  $c = 0; $q = 0;
  while ($q < 144) { if (@B[$q] == 1) { $c += 1; } $q += 1; }
  printf("alive %d\n", $c);
  if (@gen == 4) { clear(@B); clear(@N); clear(@R); clear(@gen); exit(); }
}
SCRIPT
fathom_run -q "$T/life.bt"
expect_exit 0

# The same generations in awk: . empty, # alive, + the wall.
expected=$(awk 'BEGIN {
    for (i = 0; i < 12; i++) for (j = 0; j < 12; j++) b[i, j] = (i == 0 || i == 11 || j == 0 || j == 11) ? 7 : -1;
    b[1, 2] = b[2, 3] = b[3, 1] = b[3, 2] = b[3, 3] = 1;
    for (g = 1; g <= 4; g++) {
        for (i = 1; i <= 10; i++) for (j = 1; j <= 10; j++) {
            n = 0;
            for (di = -1; di <= 1; di++) for (dj = -1; dj <= 1; dj++)
                if ((di || dj) && b[i + di, j + dj] == 1) n++;
            nb[i, j] = (b[i, j] == 1 ? (n == 2 || n == 3) : n == 3) ? 1 : -1;
        }
        empty = 0;
        for (i = 1; i <= 10; i++) {
            live = 0;
            for (j = 1; j <= 10; j++) { b[i, j] = nb[i, j]; if (nb[i, j] == 1) live++; }
            if (!live) empty++;
        }
        printf "gen %d, %d empty rows\n", g, empty;
        alive = 0;
        for (i = 0; i < 12; i++) {
            for (j = 0; j < 12; j++) {
                printf "%s", b[i, j] == 1 ? "#" : b[i, j] == 7 ? "+" : ".";
                if (b[i, j] == 1) alive++;
            }
            printf "\n";
        }
        printf "alive %d\n", alive;
    }
}')
expect_stdout_eq "$expected"
