import { describe, expect, it } from 'vitest';
import { clip, dialable, mailHref, osmUrl, safeUrl, smsHref, telHref, webUrl } from '../src/sanitize';

describe('safeUrl', () => {
  it('accepts http(s), tel:, mailto: and sms:', () => {
    expect(safeUrl('https://www.caf.fr')).toBe('https://www.caf.fr/');
    expect(safeUrl('tel:3230')).toBe('tel:3230');
    expect(safeUrl('mailto:a@b.fr')).toBe('mailto:a@b.fr');
  });
  it('refuses script and data URLs, whatever their spelling', () => {
    for (const bad of ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>', 'vbscript:x', 'file:///etc/passwd', '//evil.example', '/relative', '', null])
      expect(safeUrl(bad as string)).toBeNull();
  });
  it('webUrl keeps only http(s) and completes a bare host', () => {
    expect(webUrl('www.caf.fr')).toBe('https://www.caf.fr/');
    expect(webUrl('tel:3230')).toBeNull();
    expect(webUrl('javascript:alert(1)')).toBeNull();
  });
});

describe('phones, e-mails, maps', () => {
  it('makes dialable tel: links from French formats', () => {
    expect(telHref('08 10 25 83 10')).toBe('tel:0810258310');
    expect(telHref('+33 4 94 24 65 25')).toBe('tel:+33494246525');
    expect(telHref('3230')).toBe('tel:3230');
    expect(telHref('04.94.22.65.80')).toBe('tel:0494226580');
    expect(telHref('appelez-nous')).toBeNull();
    expect(telHref('1;javascript:x')).toBeNull();
    expect(dialable('3+3')).toBeNull();
  });
  it('builds sms: links, with a body for "send to myself"', () => {
    expect(smsHref('114')).toBe('sms:114');
    expect(smsHref('', 'Caf : 3230')).toBe('sms:?&body=Caf%20%3A%203230');
  });
  it('checks e-mail addresses', () => {
    expect(mailHref('contact@var.fr')).toBe('mailto:contact@var.fr');
    expect(mailHref('not an email')).toBeNull();
    expect(mailHref('a@b.fr?bcc=x@y.fr')).toBeNull();
  });
  it('links OpenStreetMap only for real coordinates', () => {
    expect(osmUrl(43.1194544, 5.9442933)).toBe('https://www.openstreetmap.org/?mlat=43.11945&mlon=5.94429#map=18/43.11945/5.94429');
    expect(osmUrl(0, 0)).toBeNull();
    expect(osmUrl(undefined, 5)).toBeNull();
    expect(osmUrl(120, 5)).toBeNull();
  });
  it('clips at a word boundary', () => {
    expect(clip('un deux trois quatre', 14)).toBe('un deux trois…');
    expect(clip('anticonstitutionnellement', 10)).toBe('anticonsti…');
    expect(clip('court', 12)).toBe('court');
  });
});
