/* accept_all_milter: the baseline filter of the benchmarks. A libmilter
 * filter that registers every xxfi_ callback and answers SMFIS_CONTINUE to
 * each, with no xxfi_negotiate: libmilter then asks the MTA for every step
 * and a reply to each, which is the most a filter that does nothing can
 * cost. It keeps no state, so it is safe with any number of connections.
 *
 * Usage: accept_all_milter SOCKET   (libmilter syntax, e.g. inet:9000@127.0.0.1)
 */
#include <libmilter/mfapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sfsistat on_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr) {
  (void)ctx;
  (void)host;
  (void)addr;
  return SMFIS_CONTINUE;
}
static sfsistat on_helo(SMFICTX *ctx, char *helo) {
  (void)ctx;
  (void)helo;
  return SMFIS_CONTINUE;
}
static sfsistat on_envfrom(SMFICTX *ctx, char **argv) {
  (void)ctx;
  (void)argv;
  return SMFIS_CONTINUE;
}
static sfsistat on_envrcpt(SMFICTX *ctx, char **argv) {
  (void)ctx;
  (void)argv;
  return SMFIS_CONTINUE;
}
static sfsistat on_header(SMFICTX *ctx, char *name, char *value) {
  (void)ctx;
  (void)name;
  (void)value;
  return SMFIS_CONTINUE;
}
static sfsistat on_eoh(SMFICTX *ctx) {
  (void)ctx;
  return SMFIS_CONTINUE;
}
static sfsistat on_body(SMFICTX *ctx, unsigned char *chunk, size_t length) {
  (void)ctx;
  (void)chunk;
  (void)length;
  return SMFIS_CONTINUE;
}
static sfsistat on_eom(SMFICTX *ctx) {
  (void)ctx;
  return SMFIS_CONTINUE;
}
static sfsistat on_abort(SMFICTX *ctx) {
  (void)ctx;
  return SMFIS_CONTINUE;
}
static sfsistat on_close(SMFICTX *ctx) {
  (void)ctx;
  return SMFIS_CONTINUE;
}
static sfsistat on_unknown(SMFICTX *ctx, const char *command) {
  (void)ctx;
  (void)command;
  return SMFIS_CONTINUE;
}
static sfsistat on_data(SMFICTX *ctx) {
  (void)ctx;
  return SMFIS_CONTINUE;
}

int main(int argc, char **argv) {
  struct smfiDesc desc;
  if (argc != 2) {
    fprintf(stderr, "usage: %s SOCKET\n", argv[0]);
    return 2;
  }
  memset(&desc, 0, sizeof desc);
  desc.xxfi_name = "accept-all";
  desc.xxfi_version = SMFI_VERSION;
  desc.xxfi_flags = 0;
  desc.xxfi_connect = on_connect;
  desc.xxfi_helo = on_helo;
  desc.xxfi_envfrom = on_envfrom;
  desc.xxfi_envrcpt = on_envrcpt;
  desc.xxfi_header = on_header;
  desc.xxfi_eoh = on_eoh;
  desc.xxfi_body = on_body;
  desc.xxfi_eom = on_eom;
  desc.xxfi_abort = on_abort;
  desc.xxfi_close = on_close;
  desc.xxfi_unknown = on_unknown;
  desc.xxfi_data = on_data;
  desc.xxfi_negotiate = NULL;
  if (smfi_setconn(argv[1]) == MI_FAILURE || smfi_setbacklog(256) == MI_FAILURE ||
      smfi_register(desc) == MI_FAILURE) {
    fprintf(stderr, "accept_all_milter: cannot listen on %s\n", argv[1]);
    return 1;
  }
  return smfi_main() == MI_SUCCESS ? 0 : 1;
}
