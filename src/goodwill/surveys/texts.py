"""What a survey says, in each language it is written in (English is the fallback). Pure.

The same words serve the invitation email and the survey page, so the question a passenger is emailed is
the question they answer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SurveyTexts:
    subject: str  # {flight}
    greeting: str  # {first_name}
    invitation: str  # {flight} {origin} {destination} {date}
    link_line: str  # {link} {expires}
    title: str
    intro: str  # {flight} {origin} {destination} {date}
    nps_question: str
    nps_low: str
    nps_high: str
    csat_question: str
    csat_labels: tuple[str, str, str, str, str]
    wrong_question: str
    fix_question: str
    optional: str
    submit: str
    errors_title: str
    nps_error: str
    csat_error: str
    too_long: str
    empty: str
    thanks_title: str
    thanks_body: str
    expired_title: str
    expired_body: str
    unknown_title: str
    unknown_body: str


TEXTS: dict[str, SurveyTexts] = {
    "en": SurveyTexts(
        subject="How was your flight {flight}?",
        greeting="Dear {first_name},",
        invitation="Thank you for flying {flight} from {origin} to {destination} on {date}. "
        "Four short questions tell us what to keep and what to fix.",
        link_line="Answer here: {link}\nThe link works until {expires}.",
        title="How was your flight?",
        intro="Your flight {flight} from {origin} to {destination} on {date}.",
        nps_question="How likely are you to recommend us to a friend or colleague?",
        nps_low="0 = not at all likely",
        nps_high="10 = extremely likely",
        csat_question="How satisfied were you with this flight?",
        csat_labels=("Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"),
        wrong_question="What went wrong?",
        fix_question="How could we fix it?",
        optional="optional",
        submit="Send my answers",
        errors_title="Please check your answers",
        nps_error="Choose a number from 0 to 10.",
        csat_error="Choose a number from 1 to 5.",
        too_long="Please keep this under 5,000 characters.",
        empty="Please answer at least one question.",
        thanks_title="Thank you",
        thanks_body="We have your answers. You can change them with the same link until it expires.",
        expired_title="This survey has closed",
        expired_body="The link has expired. Thank you all the same: you can always write to us.",
        unknown_title="Survey not found",
        unknown_body="This link is not valid. Please check it was copied whole.",
    ),
    "es": SurveyTexts(
        subject="¿Qué tal su vuelo {flight}?",
        greeting="Estimado/a {first_name}:",
        invitation="Gracias por volar en el {flight} de {origin} a {destination} el {date}. "
        "Cuatro preguntas breves nos dicen qué mantener y qué mejorar.",
        link_line="Responda aquí: {link}\nEl enlace es válido hasta el {expires}.",
        title="¿Qué tal su vuelo?",
        intro="Su vuelo {flight} de {origin} a {destination} el {date}.",
        nps_question="¿Qué probabilidad hay de que nos recomiende a un amigo o colega?",
        nps_low="0 = nada probable",
        nps_high="10 = muy probable",
        csat_question="¿Qué tan satisfecho/a quedó con este vuelo?",
        csat_labels=("Muy insatisfecho/a", "Insatisfecho/a", "Neutral", "Satisfecho/a", "Muy satisfecho/a"),
        wrong_question="¿Qué salió mal?",
        fix_question="¿Cómo podríamos solucionarlo?",
        optional="opcional",
        submit="Enviar mis respuestas",
        errors_title="Revise sus respuestas",
        nps_error="Elija un número del 0 al 10.",
        csat_error="Elija un número del 1 al 5.",
        too_long="Escriba menos de 5.000 caracteres.",
        empty="Responda al menos una pregunta.",
        thanks_title="Gracias",
        thanks_body="Hemos recibido sus respuestas. Puede cambiarlas con el mismo enlace mientras siga vigente.",
        expired_title="Esta encuesta ha cerrado",
        expired_body="El enlace ha caducado. Gracias de todos modos: siempre puede escribirnos.",
        unknown_title="Encuesta no encontrada",
        unknown_body="Este enlace no es válido. Compruebe que lo ha copiado completo.",
    ),
    "fr": SurveyTexts(
        subject="Comment s'est passé votre vol {flight} ?",
        greeting="Bonjour {first_name},",
        invitation="Merci d'avoir voyagé sur le vol {flight} de {origin} à {destination} le {date}. "
        "Quatre questions courtes nous disent quoi garder et quoi corriger.",
        link_line="Répondez ici : {link}\nLe lien est valable jusqu'au {expires}.",
        title="Comment s'est passé votre vol ?",
        intro="Votre vol {flight} de {origin} à {destination} le {date}.",
        nps_question="Quelle est la probabilité que vous nous recommandiez à un ami ou un collègue ?",
        nps_low="0 = pas du tout probable",
        nps_high="10 = très probable",
        csat_question="Dans quelle mesure êtes-vous satisfait(e) de ce vol ?",
        csat_labels=("Très insatisfait(e)", "Insatisfait(e)", "Neutre", "Satisfait(e)", "Très satisfait(e)"),
        wrong_question="Qu'est-ce qui n'a pas fonctionné ?",
        fix_question="Comment pourrions-nous y remédier ?",
        optional="facultatif",
        submit="Envoyer mes réponses",
        errors_title="Veuillez vérifier vos réponses",
        nps_error="Choisissez un nombre de 0 à 10.",
        csat_error="Choisissez un nombre de 1 à 5.",
        too_long="Merci de rester sous 5 000 caractères.",
        empty="Répondez à au moins une question.",
        thanks_title="Merci",
        thanks_body="Nous avons bien reçu vos réponses. "
        "Vous pouvez les modifier avec le même lien tant qu'il est valable.",
        expired_title="Ce questionnaire est clos",
        expired_body="Le lien a expiré. Merci tout de même : vous pouvez toujours nous écrire.",
        unknown_title="Questionnaire introuvable",
        unknown_body="Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier.",
    ),
}

LANGUAGES = frozenset(TEXTS)


def texts_for(language: str) -> SurveyTexts:
    return TEXTS.get(language, TEXTS["en"])


def invitation_email(
    language: str,
    *,
    first_name: str,
    flight: str,
    origin: str,
    destination: str,
    day: str,
    link: str,
    expires: str,
) -> tuple[str, str]:
    """(subject, body) of the invitation email in `language`."""
    t = texts_for(language)
    where = {"flight": flight, "origin": origin, "destination": destination, "date": day}
    body = "\n\n".join(
        (
            t.greeting.format(first_name=first_name),
            t.invitation.format(**where),
            t.link_line.format(link=link, expires=expires),
        )
    )
    return t.subject.format(flight=flight), body
