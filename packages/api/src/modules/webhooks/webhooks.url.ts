import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Which webhook URLs may be called. Only http(s), no credentials in the URL; and in production no private, loopback,
 * link-local or otherwise internal address (by name: every address the name resolves to), checked when a
 * subscription is registered and again before every delivery (a name may be pointed elsewhere later). Otherwise a
 * subscriber could make the server call the office's own network for it (SSRF).
 */
export type UrlVerdict = { ok: true; url: URL } | { ok: false; zh: string; en: string };

export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<UrlVerdict> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, zh: '地址格式不正确，请填写完整的 https:// 地址', en: 'Not a valid URL: give a full https:// address' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, zh: '只支持 http:// 或 https:// 地址', en: 'Only http:// and https:// URLs are accepted' };
  }
  if (url.username || url.password) return { ok: false, zh: '地址中不能包含用户名或密码', en: 'The URL must not contain a user name or password' };
  if (raw.length > 2000) return { ok: false, zh: '地址最长2000个字符', en: 'The URL is longer than 2000 characters' };
  if (allowPrivate) return { ok: true, url };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      return { ok: false, zh: `无法解析域名 ${host}`, en: `The host name ${host} does not resolve` };
    }
  }
  if (host === 'localhost' || addresses.some(isPrivateAddress)) {
    return { ok: false, zh: '不能使用内网、本机或保留地址', en: 'Private, loopback and reserved addresses are not allowed' };
  }
  return { ok: true, url };
}

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1]! : address;
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 198 && (b === 18 || b === 19)) || a >= 224;
  }
  const v6 = ip.toLowerCase();
  return v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || v6.startsWith('ff');
}
