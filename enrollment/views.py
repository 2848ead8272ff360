from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.views import View


class RegistrationMineView(LoginRequiredMixin, View):
    def get(self, request):
        return HttpResponse("")


class CalendarFeedView(View):
    def get(self, request, token: str):
        return HttpResponse("")
