/** Small reference lists the features look values up in. Changing them changes the model's inputs: retrain. */

/** Autonomous systems of hosting / cloud providers: shoppers rarely pay from a data centre, bots and proxies do. */
export const HOSTING_ASNS: ReadonlySet<number> = new Set([
  16509, 14618, // Amazon
  15169, 396982, // Google Cloud
  8075, // Microsoft Azure
  14061, // DigitalOcean
  16276, // OVH
  24940, // Hetzner
  63949, // Linode / Akamai
  20473, // Vultr / Choopa
  45102, // Alibaba Cloud
  132203, // Tencent Cloud
  31898, // Oracle Cloud
  9009, // M247
  60781, // Leaseweb
  51167, // Contabo
]);

export const FREE_EMAIL_DOMAINS: ReadonlySet<string> = new Set([
  "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com", "aol.com", "icloud.com",
  "mail.ru", "yandex.ru", "gmx.de", "gmx.net", "web.de", "proton.me", "protonmail.com", "qq.com", "163.com",
]);

export const DISPOSABLE_EMAIL_DOMAINS: ReadonlySet<string> = new Set([
  "mailinator.com", "guerrillamail.com", "10minutemail.com", "tempmail.com", "temp-mail.org", "yopmail.com",
  "trashmail.com", "sharklasers.com", "getnada.com", "dispostable.com", "maildrop.cc", "throwawaymail.com",
]);
