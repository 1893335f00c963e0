from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "bench.django_anchor.cards"
    label = "cards"
