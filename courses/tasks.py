from celery import shared_task

from courses.services import pack_bundle


@shared_task(name="courses.reading_pack_build")
def reading_pack_build_task(bundle_id: int) -> str:
    return pack_bundle.reading_pack_bundle_build(bundle_id=bundle_id)


@shared_task(name="courses.reading_pack_cleanup")
def reading_pack_cleanup_task() -> int:
    return pack_bundle.reading_pack_bundle_cleanup()
