#!/usr/bin/env node
// A third-party portal asks Aiguillage which administration a resident should
// contact, and prints the contact points it answers with.
//
//   npm run build
//   node examples/portal-search.mjs "j'ai perdu ma carte vitale" 83137 http://localhost:8080
//
// Arguments: the resident's words, their commune (INSEE code, or the start of
// its name: "toulon"), the Aiguillage server (default $AIGUILLAGE_URL or
// http://localhost:8080). $AIGUILLAGE_API_KEY, when set, is sent as X-API-Key.
// Exit status: 0 with an answer, 1 when the API refused the request, 2 on bad usage.

import { AiguillageError, createAiguillageClient } from '@aiguillage/client';

const [q, communeArg, baseUrl = process.env.AIGUILLAGE_URL || 'http://localhost:8080'] = process.argv.slice(2);
if (!q) {
  console.error('Usage : node examples/portal-search.mjs "<ce que cherche l\'usager>" [commune] [url du serveur]');
  process.exit(2);
}

const aiguillage = createAiguillageClient({ baseUrl, apiKey: process.env.AIGUILLAGE_API_KEY || undefined });

/** An INSEE code as is; otherwise the most populous commune whose name starts with the words. */
async function communeCode(arg) {
  if (!arg || /^(\d{5}|2[AB]\d{3})$/i.test(arg)) return arg;
  const { communes = [] } = await aiguillage.communes(arg, { limit: 1 });
  if (!communes.length) {
    console.error(`Aucune commune ne correspond à « ${arg} ».`);
    process.exit(1);
  }
  return communes[0].code;
}

/** One line per way to reach a contact point: phone, e-mail, website… */
function channels(cp) {
  const labels = { phone: 'Téléphone', sms: 'SMS', email: 'Courriel', website: 'Site', online_procedure: 'En ligne', contact_form: 'Formulaire', chat: 'Messagerie' };
  return (cp.channels ?? [])
    .filter((c) => labels[c.kind])
    .slice(0, 3)
    .map((c) => `${labels[c.kind]} : ${c.value}`);
}

try {
  const commune = await communeCode(communeArg);
  const answer = await aiguillage.search(q, { commune, limit: 5 });
  const where = answer.commune ? ` à ${answer.commune.name} (${answer.commune.code})` : '';
  console.log(`Recherche « ${answer.query ?? q} »${where}`);
  if (answer.understood?.length) console.log(`Compris : ${answer.understood.join(' ; ')}`);
  if (answer.emergency) console.log('URGENCE : appelez d’abord les numéros d’urgence ci-dessous.');
  if (!answer.results?.length) console.log('Aucun résultat : reformulez la demande.');

  const seen = new Set();
  for (const [i, result] of (answer.results ?? []).entries()) {
    console.log(`\n${i + 1}. ${result.title}`);
    if (result.needs_commune && !commune) console.log('   Indiquez une commune pour voir les accueils proches.');
    // The first three not printed yet (the same office may answer several needs).
    for (const cp of (result.contact_points ?? []).filter((c) => !seen.has(c.id)).slice(0, 3)) {
      seen.add(cp.id);
      console.log(`   - ${cp.name}${cp.reason ? ` — ${cp.reason}` : ''}`);
      const a = cp.address;
      if (a?.lines?.length) console.log(`     ${[...a.lines, [a.postal_code, a.city].filter(Boolean).join(' ')].join(', ')}`);
      for (const line of channels(cp)) console.log(`     ${line}`);
    }
    if (result.url) console.log(`   Fiche : ${result.url}`);
  }
} catch (err) {
  if (!(err instanceof AiguillageError)) throw err;
  // The API's problem document: a French title and detail, and the fields at fault.
  console.error(`Erreur ${err.status} : ${err.message}`);
  for (const f of err.errors) console.error(`  ${f.field} : ${f.detail}`);
  if (err.retryAfter) console.error(`  Réessayez dans ${err.retryAfter} s.`);
  process.exitCode = 1;
}
