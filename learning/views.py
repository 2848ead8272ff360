from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.views import View

from learning.selectors import learning_record_for


class LearningRecordView(LoginRequiredMixin, View):
    """My learning record: the signed-in user's own courses and hours."""

    template_name = "learning/record_mine.html"

    def get(self, request):
        years = learning_record_for(request.user)
        return render(request, self.template_name, {"years": years})
