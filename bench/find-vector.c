/*
 * Finds the smallest nonce >= START such that sha256(TX + decimal(nonce)) starts with ZEROS zero bytes
 * (default 4), with OpenSSL's SHA-256 (SHA-NI where the CPU has it), on THREADS threads. The test vectors in
 * src/test/java/dev/powrace/pow/SimdEngineTest.java came from this program; a real difficulty-5 solution
 * (2^40 hashes) is out of reach, a difficulty-4 one (2^32 on average) takes minutes.
 *
 * Build: gcc -O2 -pthread -o /tmp/find-vector bench/find-vector.c -lcrypto
 * Run:   /tmp/find-vector TX START [THREADS] [ZEROS]
 * Prints: nonce <n> digest <hex> hashes <count tried by all threads> seconds <s>
 *
 * The answer is the smallest solution at or after START whatever the thread count: nonces are handed out in
 * chunks in order, and a thread that finds one goes on only with chunks before it.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 1000000ULL

static const char *tx;
static size_t txlen;
static uint64_t start;
static int zeros;
static SHA256_CTX prefix;
static atomic_ullong next_chunk;
static atomic_ullong best_chunk = UINT64_MAX;
static atomic_ullong hashes;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t best_nonce = UINT64_MAX;
static unsigned char best_digest[32];

static void *work(void *arg) {
    (void)arg;
    char digits[24];
    unsigned char md[32];
    for (;;) {
        uint64_t c = atomic_fetch_add(&next_chunk, 1);
        if (c >= atomic_load(&best_chunk)) {
            return NULL;
        }
        uint64_t from = start + c * CHUNK;
        int k = snprintf(digits, sizeof digits, "%llu", (unsigned long long)from);
        uint64_t done = 0;
        for (uint64_t i = 0; i < CHUNK; i++) {
            SHA256_CTX ctx = prefix;
            SHA256_Update(&ctx, digits, (size_t)k);
            SHA256_Final(md, &ctx);
            done++;
            int ok = 1;
            for (int z = 0; z < zeros; z++) {
                ok &= md[z] == 0;
            }
            if (ok) {
                pthread_mutex_lock(&lock);
                if (from + i < best_nonce) {
                    best_nonce = from + i;
                    memcpy(best_digest, md, 32);
                    atomic_store(&best_chunk, c);
                }
                pthread_mutex_unlock(&lock);
                break;
            }
            /* the next decimal nonce, in place */
            int p = k - 1;
            while (p >= 0 && digits[p] == '9') {
                digits[p--] = '0';
            }
            if (p >= 0) {
                digits[p]++;
            } else {
                memmove(digits + 1, digits, (size_t)k);
                digits[0] = '1';
                k++;
            }
        }
        atomic_fetch_add(&hashes, done);
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s TX START [THREADS] [ZEROS]\n", argv[0]);
        return 2;
    }
    tx = argv[1];
    txlen = strlen(tx);
    start = strtoull(argv[2], NULL, 10);
    int threads = argc > 3 ? atoi(argv[3]) : 2;
    zeros = argc > 4 ? atoi(argv[4]) : 4;
    if (threads < 1 || threads > 256 || zeros < 1 || zeros > 32) {
        fprintf(stderr, "bad THREADS or ZEROS\n");
        return 2;
    }
    SHA256_Init(&prefix);
    SHA256_Update(&prefix, tx, txlen);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t t[256];
    for (int i = 0; i < threads; i++) {
        pthread_create(&t[i], NULL, work, NULL);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("nonce %llu digest ", (unsigned long long)best_nonce);
    for (int i = 0; i < 32; i++) {
        printf("%02x", best_digest[i]);
    }
    printf(" hashes %llu seconds %.1f\n", (unsigned long long)atomic_load(&hashes),
           (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
