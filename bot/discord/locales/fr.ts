import type { Catalogue } from "./catalogue";

/** The event kinds a channel subscribes to, by their English names (/subscribe and /unsubscribe share them). */
const EVENT_KINDS = {
  "All events": "Tous les événements",
  "Claims: alert, votes, outcomes and discussion thread": "Sinistres : alerte, votes, résultats et fil de discussion",
  "Claim outcomes only": "Seulement les résultats des sinistres",
  "Cover purchases": "Achats de couverture",
  "Capital deposits and withdrawals": "Dépôts et retraits de capital",
  "Listings and audits: protocols submitted, listed, paused, delisted; audits and incidents":
    "Inscriptions et audits : protocoles soumis, inscrits, suspendus, retirés ; audits et incidents",
  "Council: proposals, approvals, executions, parameter, member and threshold changes, pauses":
    "Conseil : propositions, approbations, exécutions, paramètres, membres, seuil, suspensions",
  "The daily pool report": "Le rapport quotidien du fonds",
};

/**
 * French. Command and option names are lowercase words Discord accepts (letters, digits, - and _, at most 32);
 * a member whose Discord is in French types `/police` and the bot receives `policy`, as Discord sends the
 * default name.
 */
export const fr: Catalogue = {
  commands: {
    policy: ["police", "Afficher une police de couverture : titulaire, couverture, durée et état"],
    "policy.id": ["numero", "Numéro de la police"],
    policies: ["polices", "Lister les polices d'un titulaire ou d'un protocole"],
    "policies.holder": ["titulaire", "L'adresse Stacks d'un titulaire"],
    "policies.protocol": ["protocole", "Le nom d'un protocole"],
    claim: ["sinistre", "Afficher un sinistre : preuves, décompte, échéance et état"],
    "claim.id": ["numero", "Numéro du sinistre"],
    claims: ["sinistres", "Lister les sinistres récents, par état si vous voulez"],
    "claims.status": ["etat", "Seulement les sinistres dans cet état"],
    protocol: ["protocole", "Afficher un protocole : audit, niveau de risque, taux, couverture"],
    "protocol.name": ["nom", "Le nom du protocole"],
    quote: ["devis", "La prime exacte que le contrat demande pour une couverture"],
    "quote.protocol": ["protocole", "Le protocole à couvrir"],
    "quote.amount": ["montant", "Couverture en STX, par exemple 250000"],
    "quote.days": ["jours", "Durée de la couverture en jours"],
    buy: ["acheter", "Acheter une couverture : votre propre portefeuille signe sur la page"],
    "buy.protocol": ["protocole", "Le protocole à couvrir"],
    "buy.amount": ["montant", "Couverture en STX, par exemple 250000"],
    "buy.days": ["jours", "Durée de la couverture en jours"],
    "claim-file": ["declarer-sinistre", "Déclarer un sinistre sur votre police : votre portefeuille signe sur la page"],
    "claim-file.policy": ["police", "Numéro de la police"],
    capital: ["capital", "Apporter du capital au fonds ou le retirer : votre portefeuille signe sur la page"],
    "capital.deposit": ["deposer", "Déposer des STX contre des parts du fonds"],
    "capital.deposit.amount": ["montant", "STX à déposer, par exemple 10000"],
    "capital.withdraw": ["retirer", "Demander, annuler ou prendre un retrait de vos parts"],
    pool: ["fonds", "Le fonds de capital : capital, couverture, utilisation, prix d'une part"],
    assessor: ["evaluateur", "La mise, les blocages, la réputation et les votes d'un évaluateur"],
    "assessor.address": ["adresse", "L'adresse Stacks de l'évaluateur"],
    "assessor.member": ["membre", "Un membre qui a choisi de montrer son portefeuille lié"],
    stake: ["miser", "Miser des STX comme évaluateur : votre propre portefeuille signe sur la page"],
    "stake.amount": ["montant", "STX à miser, par exemple 1000"],
    unstake: ["retirer-mise", "Retirer votre mise : votre propre portefeuille signe sur la page"],
    "unstake.amount": ["montant", "STX à retirer, par exemple 500 (tout si vous l'omettez)"],
    settle: ["regler", "Vos votes à régler : touchez les récompenses et débloquez la mise"],
    link: ["lier", "Lier votre portefeuille Stacks à votre compte Discord (votre portefeuille signe)"],
    "link.show-wallet": ["montrer-portefeuille", "Laisser les autres voir votre portefeuille lié avec /assessor"],
    "link.dm-results": ["resultats-mp", "Recevoir en message privé le résultat de ce que vous signez sur les pages"],
    setup: ["configurer", "Où ce serveur reçoit les alertes de sinistres (administrateurs)"],
    "setup.alerts": ["alertes", "Le salon des alertes de sinistres, votes et résultats"],
    "setup.alerts.channel": ["salon", "Un salon textuel"],
    "setup.assessor-role": [
      "role-evaluateur",
      "Le rôle donné aux membres dont le portefeuille lié a une mise d'évaluateur",
    ],
    "setup.assessor-role.role": ["role", "Un rôle"],
    "setup.feed": ["flux", "Un salon plus calme pour les achats et les mouvements de capital"],
    "setup.feed.channel": ["salon", "Un salon textuel"],
    "setup.follow": ["suivre", "Ne recevoir que les alertes des protocoles suivis"],
    "setup.follow.protocol": ["protocole", "Protocole"],
    "setup.unfollow": ["ne-plus-suivre", "Ne plus suivre un protocole"],
    "setup.unfollow.protocol": ["protocole", "Protocole"],
    "setup.show": ["afficher", "Les réglages de ce serveur"],
    subscribe: ["abonner", "Ce qu'un salon reçoit : événements, protocoles, rôle à mentionner (administrateurs)"],
    "subscribe.channel": ["salon", "Un salon textuel, ou un forum pour une publication par sinistre"],
    "subscribe.events": ["evenements", "Ce qu'il reçoit (par défaut : tout) ; relancez pour en ajouter"],
    "subscribe.protocol": ["protocole", "Seulement ce protocole (relancez pour en ajouter), ou tous"],
    "subscribe.role": ["role", "Le rôle que ses publications mentionnent"],
    unsubscribe: ["desabonner", "Arrêter les publications d'un salon, toutes ou certaines (administrateurs)"],
    "unsubscribe.channel": ["salon", "Le salon abonné"],
    "unsubscribe.events": ["evenements", "Seulement ces événements (par défaut : tous)"],
    status: ["statut", "La santé du bot ici : chaîne, dernier événement, retard, keeper et permissions"],
    unlink: ["delier", "Oublier votre portefeuille Stacks lié (et le rôle d'évaluateur qu'il vous a donné)"],
    notify: ["notifier", "Choisir les messages privés que le bot vous envoie"],
    "notify.new-claims": ["nouveaux-sinistres", "Un MP pour chaque nouveau sinistre"],
    "notify.unvoted-claims": [
      "sinistres-sans-vote",
      "Un MP quand un sinistre où votre mise peut voter s'ouvre, et avec ses rappels",
    ],
    "notify.rewards": ["recompenses", "Un MP avec le lien de règlement quand un sinistre où vous avez voté est clos"],
    "notify.policy-claims": ["sinistres-polices", "Un MP quand un sinistre sur vos polices est déposé, décidé ou payé"],
    "notify.council": ["conseil", "Un MP quand un sinistre requiert le conseil (si votre portefeuille en fait partie)"],
    "setup.council-role": ["role-conseil", "Le rôle mentionné quand un sinistre requiert le conseil"],
    "setup.council-role.role": ["role", "Un rôle"],
    help: ["aide", "Ce que le bot sait faire"],
  },
  choices: {
    "subscribe.events": EVENT_KINDS,
    "unsubscribe.events": EVENT_KINDS,
    "claims.status": {
      Voting: "Vote en cours",
      "No quorum": "Sans quorum",
      "Approved by vote": "Approuvé par vote",
      Approved: "Approuvé",
      Denied: "Refusé",
      "Vetoed by the council": "Veto du conseil",
      Paid: "Payé",
    },
  },
  replies: {
    unknownCommand: "Je ne connais pas `/{command}` (ou plus). Voyez `/aide`.",
    guildOnly:
      "`/{command}` fonctionne dans un serveur, pas en message privé. Utilisez-la dans un salon de votre serveur.",
    chainUnavailable:
      "La chaîne Stacks ne peut pas être lue pour le moment (l'API n'a pas répondu). Rien n'a changé ; réessayez dans une minute.",
    unexpected:
      "Une erreur s'est produite de notre côté. Si cela se reproduit, donnez cette référence à l'équipe : **{reference}**.",
    helpTitle: "Couverture cyber-sécurité pour la DeFi sur Stacks",
    helpVoting:
      "Les sinistres se votent depuis l'alerte : **Approve** et **Deny** ouvrent une page où votre propre portefeuille signe le vote.",
  },
};
