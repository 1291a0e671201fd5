/* tandem-certificate-pin.c — SHA-256 fingerprints of TLS certificates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-certificate-pin.h"

#define PREFIX     "sha256:"
#define B64_LEN    43   /* 32 bytes, unpadded */
#define HEX_LEN    64

void
tandem_certificate_fingerprint (GTlsCertificate *certificate,
                                guint8           out[TANDEM_FINGERPRINT_SIZE])
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = TANDEM_FINGERPRINT_SIZE;

  g_return_if_fail (G_IS_TLS_CERTIFICATE (certificate));
  g_object_get (certificate, "certificate", &der, NULL);
  if (der != NULL)
    g_checksum_update (sum, der->data, der->len);
  g_checksum_get_digest (sum, out, &len);
}

gboolean
tandem_certificate_matches_pin (GTlsCertificate *certificate,
                                const guint8     pin[TANDEM_FINGERPRINT_SIZE])
{
  guint8 actual[TANDEM_FINGERPRINT_SIZE];
  guint8 diff = 0;

  if (certificate == NULL)
    return FALSE;
  tandem_certificate_fingerprint (certificate, actual);
  /* Every byte is looked at whatever the first difference: the time taken
   * tells an attacker nothing about how close a forged certificate came. */
  for (guint i = 0; i < TANDEM_FINGERPRINT_SIZE; i++)
    diff |= actual[i] ^ pin[i];
  return diff == 0;
}

char *
tandem_fingerprint_to_string (const guint8 fingerprint[TANDEM_FINGERPRINT_SIZE])
{
  g_autofree char *b64 = g_base64_encode (fingerprint, TANDEM_FINGERPRINT_SIZE);

  for (char *p = b64; *p; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p == '=' ? '\0' : *p;
  return g_strconcat (PREFIX, b64, NULL);
}

static int
b64url_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

static gboolean
parse_b64url (const char *text,
              guint8      out[TANDEM_FINGERPRINT_SIZE])
{
  guint32 acc = 0;
  guint bits = 0, n = 0;

  for (guint i = 0; i < B64_LEN; i++)
    {
      int v = b64url_value (text[i]);

      if (v < 0)
        return FALSE;
      acc = (acc << 6) | (guint32) v;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[n++] = (acc >> bits) & 0xff;
        }
    }
  /* 43 characters hold 258 bits: the last 2 must be zero, or two texts
   * would read as the same fingerprint and not format back to themselves. */
  return n == TANDEM_FINGERPRINT_SIZE && (acc & ((1u << bits) - 1)) == 0;
}

gboolean
tandem_fingerprint_parse (const char *text,
                          guint8      out[TANDEM_FINGERPRINT_SIZE])
{
  gsize len;

  if (text == NULL || !g_str_has_prefix (text, PREFIX))
    return FALSE;
  text += strlen (PREFIX);
  len = strlen (text);
  if (len == B64_LEN)
    return parse_b64url (text, out);
  if (len != HEX_LEN)
    return FALSE;
  for (guint i = 0; i < TANDEM_FINGERPRINT_SIZE; i++)
    {
      int hi = g_ascii_xdigit_value (text[2 * i]), lo = g_ascii_xdigit_value (text[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return FALSE;
      out[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}
