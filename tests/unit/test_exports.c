/* The built module, as PAM loads it: dlopen with every symbol resolved at
 * once, the four pam_sm_* entry points found in it, and nothing else of
 * ours visible.  The module's dynamic symbol table is read through the
 * loaded image (its GNU hash table gives the symbol count), so a helper
 * leaked by a visibility mistake is caught whatever its name.
 *
 *   test_exports [MODULE]   default: $top_builddir/.libs/pam_awsmfa.so */
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const entry_points[] = {
    "pam_sm_authenticate",
    "pam_sm_setcred",
    "pam_sm_open_session",
    "pam_sm_close_session",
};

struct dynsyms {
    const ElfW(Sym) * symtab;
    const char *strtab;
    const uint32_t *gnu_hash;
};

static struct dynsyms find_tables(const struct link_map *map)
{
    struct dynsyms t = {0};
    for (const ElfW(Dyn) *d = map->l_ld; d->d_tag != DT_NULL; d++) {
        /* glibc has already relocated these to addresses in memory. */
        if (d->d_tag == DT_SYMTAB)
            t.symtab = (const ElfW(Sym) *)d->d_un.d_ptr;
        else if (d->d_tag == DT_STRTAB)
            t.strtab = (const char *)d->d_un.d_ptr;
        else if (d->d_tag == DT_GNU_HASH)
            t.gnu_hash = (const uint32_t *)d->d_un.d_ptr;
    }
    return t;
}

/* One past the highest symbol index that the GNU hash table reaches:
 * the last chain of the fullest bucket ends at a word with bit 0 set. */
static uint32_t symbol_count(const uint32_t *h)
{
    uint32_t nbuckets = h[0], symoffset = h[1], bloom_size = h[2];
    const uint32_t *buckets =
        h + 4 + bloom_size * (sizeof(ElfW(Addr)) / sizeof(uint32_t));
    const uint32_t *chain = buckets + nbuckets;
    uint32_t last = 0;
    for (uint32_t b = 0; b < nbuckets; b++) {
        if (buckets[b] > last)
            last = buckets[b];
    }
    if (last < symoffset)
        return symoffset;
    while ((chain[last - symoffset] & 1) == 0)
        last++;
    return last + 1;
}

/* ELF64_ST_BIND and ELF64_ST_VISIBILITY read st_info and st_other the
 * same way for 32-bit objects. */
static bool is_exported_definition(const ElfW(Sym) * s)
{
    unsigned char bind = ELF64_ST_BIND(s->st_info);
    return s->st_shndx != SHN_UNDEF && s->st_name != 0 &&
           (bind == STB_GLOBAL || bind == STB_WEAK) &&
           ELF64_ST_VISIBILITY(s->st_other) == STV_DEFAULT;
}

/* Every symbol the module defines for others is a pam_sm_* name. */
static int check_table(void *module)
{
    struct link_map *map = NULL;
    if (dlinfo(module, RTLD_DI_LINKMAP, &map) != 0) {
        printf("FAIL dlinfo: %s\n", dlerror());
        return 1;
    }
    struct dynsyms t = find_tables(map);
    if (t.symtab == NULL || t.strtab == NULL || t.gnu_hash == NULL) {
        printf("FAIL no dynamic symbol table or GNU hash table\n");
        return 1;
    }
    int failures = 0, exported = 0;
    uint32_t count = symbol_count(t.gnu_hash);
    for (uint32_t i = 1; i < count; i++) {
        if (!is_exported_definition(&t.symtab[i]))
            continue;
        const char *name = t.strtab + t.symtab[i].st_name;
        exported++;
        if (strncmp(name, "pam_sm_", 7) != 0) {
            printf("FAIL exported: %s\n", name);
            failures++;
        }
    }
    printf("%s %d symbols exported, %d of them not pam_sm_*\n",
           failures ? "FAIL" : "ok  ", exported, failures);
    return failures;
}

static int check_entry_points(void *module, const char *path)
{
    int failures = 0;
    for (size_t i = 0; i < sizeof(entry_points) / sizeof(*entry_points); i++) {
        void *fn = dlsym(module, entry_points[i]);
        Dl_info where;
        bool ours = fn != NULL && dladdr(fn, &where) != 0 &&
                    strcmp(where.dli_fname, path) == 0;
        printf("%s %s\n", ours ? "ok  " : "FAIL", entry_points[i]);
        failures += !ours;
    }
    return failures;
}

int main(int argc, char **argv)
{
    char path[4096];
    const char *top = getenv("top_builddir");
    if (argc > 1)
        snprintf(path, sizeof(path), "%s", argv[1]);
    else
        snprintf(path, sizeof(path), "%s/.libs/pam_awsmfa.so",
                 top != NULL ? top : ".");
    void *module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (module == NULL) {
        printf("FAIL dlopen: %s\n", dlerror());
        return 1;
    }
    int failures = check_entry_points(module, path) + check_table(module);
    dlclose(module);
    return failures == 0 ? 0 : 1;
}
