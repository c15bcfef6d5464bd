"""Uploads in OpenStack Swift through django-storages' libcloud storage (Debian's
python3-django-storages-libcloud).

django-storages hands libcloud's driver only a region, which leaves it at Rackspace's endpoint; a
fleet's Swift has an authentication URL of its own. This storage builds the driver with the
settings' `driver_options` (the URL, the auth version, the project), and keeps every upload under
the fleet's prefix (DM_MEDIA_PREFIX), where DeployMachine's backups look for them.
"""
from libcloud.storage.providers import get_driver
from libcloud.storage.types import Provider
from storages.backends.apache_libcloud import LibCloudStorage


class SwiftStorage(LibCloudStorage):
    def __init__(self, provider_name=None, option=None):
        super().__init__(provider_name, option)
        settings = self.provider
        options = settings["driver_options"]
        self.driver = get_driver(Provider.OPENSTACK_SWIFT)(settings["user"], settings["key"],
                                                           **options)
        if options.get("ex_force_auth_version") == "1.0":
            # v1 authentication (TempAuth, SwAuth) answers with one storage URL and no service
            # name, which libcloud would look its endpoint up by ("swift"): look up none.
            self.driver.connection._service_name = None
        self.prefix = settings.get("prefix", "")

    def generate_filename(self, filename):
        return self.prefix + super().generate_filename(filename)

    def _save(self, name, content):
        # The file itself, not an iterator over it: libcloud checks the upload's MD5 by reading
        # what it sent once more, which only a file it can rewind allows.
        stream = getattr(content, "file", content)
        stream.seek(0)
        self.driver.upload_object_via_stream(stream, self._get_bucket(), name)
        return name
