// Every text residents read, in one table per language. French is the source:
// `fr` (what the first question needs) is in the main bundle, `frAnswers` in the
// lazy "answers" chunk. Each other language (src/lang/CODE.ts) is one lazy chunk
// holding both parts, typed AnswerStrings: a key missing there fails `tsc`.

const fr = {
  // Frame
  title: 'Trouver le bon service',
  emergency: 'Urgence',
  emergencyLong: 'Numéros d’urgence',
  emergencyAll: 'Tous les numéros d’urgence',
  emergencyIntro: 'En cas de danger immédiat, appelez. Ces numéros sont gratuits et répondent jour et nuit.',
  // The national numbers shown when the API cannot be reached: 15, 17, 18, 112, 114 (SMS), 115, 119, 3919, 3114.
  numbers: ['SAMU, urgence médicale', 'Police secours, gendarmerie', 'Sapeurs-pompiers', 'Numéro d’urgence européen',
    'Urgence par SMS (sourds, malentendants, ou si parler est dangereux)', 'Hébergement d’urgence', 'Enfance en danger',
    'Violences femmes info', 'Prévention du suicide'],
  close: 'Fermer',
  exit: 'Quitter rapidement',
  exitHint: 'ou appuyez deux fois sur Échap',
  back: 'Retour',
  restart: 'Recommencer',
  loading: 'Chargement…',
  // After a text the server could only give in French (text_lang "fr")
  inFrench: '(en français)',
  colon: ' : ',
  // Start
  searchLabel: 'Décrivez votre situation avec vos mots',
  searchHint: 'Par exemple : « je n’arrive plus à payer mon loyer »',
  searchButton: 'Rechercher',
  orQuestions: 'Ou répondez à quelques questions',
  orThemes: 'Ou choisissez un sujet',
  // Commune
  communeLabel: 'Votre commune',
  communeHint: 'Tapez le nom de la commune ou son code postal, puis choisissez-la dans la liste.',
  communeQuestion: 'Dans quelle commune habitez-vous ?',
  communeNotFound: 'Aucune commune ne correspond. Vérifiez l’orthographe ou tapez le code postal.',
  communeChange: 'Changer de commune',
  communeCurrent: (name: string) => `Commune : ${name}`,
  communesFound: (n: number) => (n === 0 ? 'Aucune commune trouvée' : n === 1 ? '1 commune proposée' : `${n} communes proposées`),
  suggestionsFound: (n: number) => (n === 1 ? '1 sujet proposé' : `${n} sujets proposés`),
  validate: 'Valider',
  // Themes (results are in frAnswers)
  themePrecise: 'Précisez votre besoin',
  call: (n: string) => `Appeler le ${n}`,
  sms: (n: string) => `Envoyer un SMS au ${n}`,
  chat: 'Discuter en ligne (tchat)',
  newWindow: '(nouvelle fenêtre)',
  // Errors
  errorTitle: 'Le service ne répond pas',
  errorText: 'Nous n’arrivons pas à joindre le service d’orientation pour le moment.',
  fallback: 'Vous pouvez appeler Allô Service Public au 3939 (service gratuit + prix d’un appel), qui vous renseigne sur vos démarches et vous dit à qui vous adresser.',
  fallbackCall: 'Appeler le 3939',
  retry: 'Réessayer',
  stale: 'Ce parcours a été mis à jour depuis. Reprenons depuis le début.',
  configError: 'Ce module d’orientation est mal configuré (partenaire inconnu).',
};

// Strings of the "answers" chunk (cards, outcomes, take-away, feedback, the
// language menu): kept apart so that the first load carries only what the
// first question needs.
const frAnswers = {
  // The language menu, in the top bar
  language: 'Langue',
  // The mark of a journey draft preview (the widget's preview attribute), in the top bar
  draft: 'Aperçu du brouillon',
  // Results
  resultsTitle: 'Ce qui correspond à votre situation',
  resultsCount: (n: number) => (n === 0 ? 'Aucun résultat' : n === 1 ? '1 résultat' : `${n} résultats`),
  themeTitle: (label: string) => `Services pour : ${label}`,
  communeNeeded: 'Indiquez votre commune pour voir les services près de chez vous.',
  noResults: 'Nous n’avons rien trouvé pour ces mots. Essayez avec d’autres mots, ou choisissez un sujet.',
  seeAnswer: 'Voir la réponse détaillée',
  seeMore: (n: number) => (n === 1 ? 'Voir 1 autre service' : `Voir ${n} autres services`),
  readFiche: 'Lire la fiche sur service-public.fr',
  onlineTitle: 'En ligne',
  noService: 'Aucun service de ce type n’est référencé pour votre commune.',
  // Outcome
  documents: 'Documents à préparer',
  contacts: 'Qui contacter',
  closedNow: 'Les services ci-dessous sont fermés en ce moment. Voici d’abord ce que vous pouvez faire tout de suite.',
  someClosed: 'Certains services sont fermés en ce moment : ceux que vous pouvez joindre maintenant sont en premier.',
  // Card
  email: (e: string) => `Écrire à ${e}`,
  map: 'Voir sur une carte',
  online_procedure: 'Faire la démarche en ligne',
  website: 'Site internet',
  contact_form: 'Formulaire de contact',
  why: 'Pourquoi ce service : ',
  /** d: the date as dd/mm/yyyy. */
  verified: (d: string) => `Informations vérifiées le ${d}`,
  distance: (km: number) => `à ${km.toFixed(1).replace('.', ',')} km`,
  hours: 'Horaires',
  report: 'Information incorrecte ?',
  reportLabel: 'Qu’est-ce qui est incorrect ? N’indiquez pas d’information personnelle.',
  reportSend: 'Envoyer le signalement',
  reportShort: 'Dites en quelques mots ce qui est incorrect.',
  reportThanks: 'Merci : votre signalement a été transmis à l’équipe qui tient cette fiche à jour.',
  // Hours
  openNow: 'Ouvert maintenant',
  open247: 'Ouvert 24 h/24, 7 j/7',
  allDay: '24 h/24',
  openUntil: (t: string) => `Ouvert maintenant, jusqu’à ${t}`,
  closedOpens: (when: string) => `Fermé en ce moment, ouvre ${when}`,
  closed: 'Fermé en ce moment',
  today: (t: string) => `aujourd’hui à ${t}`,
  tomorrow: (t: string) => `demain à ${t}`,
  onDay: (d: string, t: string) => `${d} à ${t}`,
  onDate: (d: string, t: string) => `le ${d} à ${t}`,
  /** A time of day: 8 h 30, 9 h (m: two digits). */
  time: (h: number, m: string) => (m === '00' ? `${h} h` : `${h} h ${m}`),
  /** A day of a month: 1er mars, 25 décembre (month: an item of months). */
  dayMonth: (d: number, month: string) => `${d === 1 ? '1er' : d} ${month}`,
  midnight: 'minuit',
  indicative: 'horaires indicatifs',
  closedDay: 'fermé',
  closedOn: (d: string) => `Fermé le ${d}`,
  days: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'],
  months: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  // Take away
  takeAway: 'Garder la réponse',
  print: 'Imprimer',
  copyLink: 'Copier le lien',
  linkCopied: 'Lien copié',
  copyAnswer: 'Copier la réponse',
  answerCopied: 'Réponse copiée',
  copyFailed: 'La copie n’a pas fonctionné : sélectionnez le texte ci-dessous et copiez-le.',
  qr: 'QR code de la réponse',
  qrAlt: 'QR code du lien vers cette réponse, à scanner avec un téléphone',
  sendSms: 'M’envoyer la réponse par SMS',
  sendMail: 'M’envoyer la réponse par e-mail',
  mailSubject: 'Ma réponse Aiguillage',
  // Feedback
  feedbackQuestion: 'Cette réponse vous a-t-elle aidé ?',
  yes: 'Oui',
  no: 'Non',
  feedbackHint: 'Facultatif. N’indiquez ni votre nom, ni votre numéro, ni votre adresse.',
  feedbackComment: 'Un commentaire ?',
  feedbackLooking: 'Que cherchiez-vous ?',
  feedbackSend: 'Envoyer mon avis',
  feedbackThanks: 'Merci pour votre avis : il sert à améliorer ce service.',
  feedbackInvalid: 'Votre avis n’a pas été envoyé : corrigez le champ signalé.',

  sendFailed: 'L’envoi n’a pas fonctionné. Réessayez dans un instant.',
};

export type Strings = typeof fr;
export type AnswerStrings = Strings & typeof frAnswers;
export { fr, frAnswers };

/**
 * LANGS: the languages the widget speaks (BCP 47, as the API's `lang`), each with its name in its own
 * language (the language menu, answers chunk) and, for all but French, its lazy chunk (scripts/build.mjs).
 */
export const LANGS: [code: string, name: string][] = [
  ['fr', 'Français'], ['fr-x-falc', 'FALC — Facile à lire'], ['en', 'English'], ['ar', 'العربية'],
  ['uk', 'Українська'], ['es', 'Español'], ['pt', 'Português'], ['tr', 'Türkçe'],
];

/**
 * normalize maps a language tag to a language of the widget, as the server does: case ignored, region
 * dropped (en-GB → en), fr-x-falc and its alias falc → fr-x-falc; undefined for a language the widget
 * does not speak (the caller falls back to French) or an empty tag.
 */
export function normalize(tag: string | null | undefined): string | undefined {
  const t = (tag || '').trim().toLowerCase();
  if (t === 'falc' || t === 'fr-x-falc') return 'fr-x-falc';
  const base = t.split(/[-_]/)[0];
  return /^(fr|en|ar|uk|es|pt|tr)$/.test(base) ? base : undefined;
}

/**
 * pickLang chooses the language of a widget: the resident's own choice for this session, else the element's
 * lang attribute, else the closest [lang] of the page (both: French when not spoken here), else the
 * browser's languages (the first one spoken here), else French.
 */
export function pickLang(chosen: string | null | undefined, page: string | null | undefined, browser: readonly string[] | undefined): string {
  return normalize(chosen) || (page ? normalize(page) || 'fr' : (browser || []).map(normalize).find(Boolean) || 'fr');
}

/** answerStrings completes a table with the French answers strings (a lazy language chunk's table is already whole). */
export const answerStrings = (s: Strings): AnswerStrings => ({ ...frAnswers, ...s });
